#!/usr/bin/env bash
# A throwaway mail server for the e-mail probe tests, on 127.0.0.1 only:
#   OpenSMTPD (SMTP :2525, no auth) --LMTP--> Dovecot (LMTP :2424, IMAP :2143,
#   submission :2587 with AUTH PLAIN, relayed to OpenSMTPD). No TLS: loopback tests only.
# Mailboxes support@localhost (support-pass) and customer@localhost (customer-pass).
#
#   eval "$(bash scripts/mail.sh start)"   # installs if missing, starts, prints the export line
#   bash scripts/mail.sh stop
# Runs as root (the daemons drop their privileges). Nothing under /etc is edited: the
# configuration lives in $CENTRICITY_MAIL_DIR and the daemons are pointed at it.
set -euo pipefail
DIR=${CENTRICITY_MAIL_DIR:-/tmp/centricity-mail}
HOST=127.0.0.1
SMTP=2525 SUBMISSION=2587 IMAP=2143 LMTP=2424
PACKAGES="dovecot-imapd dovecot-lmtpd dovecot-submissiond opensmtpd"

say() { echo "[mail] $*" >&2; }
open_port() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
wait_port() { for _ in $(seq 1 200); do open_port "$1" && return 0; sleep 0.05; done; say "port $1 did not open"; return 1; }

install() {
  command -v dovecot >/dev/null 2>&1 && command -v smtpd >/dev/null 2>&1 && return 0
  say "installing $PACKAGES from Debian's packages"
  # The packaged daemons (Dovecot listens on every interface by default) must not start.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PACKAGES >&2
  rm -f /usr/sbin/policy-rc.d
}

configure() {
  local uid gid
  uid=$(id -u nobody); gid=$(getent group nogroup | cut -d: -f3)
  rm -rf "$DIR"; mkdir -p "$DIR"/{run,state,mail/support,mail/customer}; chmod 755 "$DIR"
  printf 'support:{PLAIN}support-pass\ncustomer:{PLAIN}customer-pass\n' > "$DIR/users"
  printf 'support %s:%s:%s\ncustomer %s:%s:%s\n' "$uid" "$gid" "$DIR/mail/support" "$uid" "$gid" "$DIR/mail/customer" > "$DIR/userbase"
  chown -R "$uid:$gid" "$DIR/mail"; chgrp dovecot "$DIR/users"; chmod 640 "$DIR/users"
  cat > "$DIR/dovecot.conf" <<CONF
protocols = imap lmtp submission
listen = $HOST
base_dir = $DIR/run
state_dir = $DIR/state
log_path = $DIR/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_username_format = %Ln
first_valid_uid = 1
mail_uid = $uid
mail_gid = $gid
mail_location = maildir:$DIR/mail/%n
hostname = localhost
postmaster_address = postmaster@localhost
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n $DIR/users
}
userdb {
  driver = static
  args = home=$DIR/mail/%n allow_all_users=yes
}
service imap-login {
  inet_listener imap {
    address = $HOST
    port = $IMAP
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = $HOST
    port = $LMTP
  }
}
service submission-login {
  inet_listener submission {
    address = $HOST
    port = $SUBMISSION
  }
}
# Submission cannot deliver by itself: it relays to OpenSMTPD.
submission_relay_host = $HOST
submission_relay_port = $SMTP
submission_relay_trusted = yes
CONF
  cat > "$DIR/smtpd.conf" <<CONF
table users file:$DIR/userbase
listen on $HOST port $SMTP hostname localhost
action "deliver" lmtp "$HOST:$LMTP" rcpt-to userbase <users>
match from any for domain "localhost" action "deliver"
CONF
}

start() {
  install
  stop >/dev/null 2>&1 || true
  configure
  dovecot -c "$DIR/dovecot.conf" < /dev/null >> "$DIR/dovecot.stdio.log" 2>&1
  setsid smtpd -d -f "$DIR/smtpd.conf" > "$DIR/smtpd.log" 2>&1 < /dev/null &
  echo $! > "$DIR/smtpd.pid"
  for port in $IMAP $SUBMISSION $LMTP $SMTP; do wait_port "$port"; done
  # Loopback only, or nothing.
  local outside
  outside=$(ss -Hltnp 2>/dev/null | grep -E '"(dovecot|smtpd|imap-login|submission-login|lmtp)"' | awk '$4 !~ /^127\.0\.0\.1:/ {print $4}' || true)
  if [ -n "$outside" ]; then say "listening outside loopback ($outside): stopping"; stop; exit 1; fi
  echo "export CENTRICITY_TEST_MAIL=$HOST:$SUBMISSION:$IMAP"
}

stop() {
  local pid
  pid=$(cat "$DIR/smtpd.pid" 2>/dev/null || true)
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  pid=$(tr -d ' ' < "$DIR/run/master.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  fi
  rm -rf "$DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
