#!/bin/sh
# Installs the Debian mail tools the MTA tests and benchmark use: swaks (a real SMTP client),
# postfix (smtp-source / smtp-sink as load generator, test relay and baseline), and the scanners
# the adapters are tested against: spamassassin + spamd, clamav-daemon, rspamd; dovecot-imapd (with
# postfix, the IMAP mailbox the canary reads on a Postfix fleet); openssl makes the STARTTLS test
# certificate; dnsmasq-base (the dnsmasq binary without its system service) and dovecot-pop3d are
# the DNS server and POP3 server the built-in probes are tested against; prometheus-alertmanager
# feeds the Alertmanager receiver's test real notifications. The tests start their own
# daemons on free ports; nothing is left running (the package's own start of a system Dovecot on
# port 143 is neither needed nor in the way). Run as root.
# Idempotent: does nothing when everything is already installed.
set -eu

missing=""
for pkg in swaks postfix spamassassin spamd clamav-daemon rspamd dovecot-imapd dovecot-pop3d dnsmasq-base openssl prometheus-alertmanager; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $pkg"
  fi
done

if [ -z "$missing" ]; then
  echo "mail tools already installed"
  exit 0
fi

apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y swaks postfix spamassassin spamd clamav-daemon rspamd dovecot-imapd dovecot-pop3d dnsmasq-base openssl prometheus-alertmanager
