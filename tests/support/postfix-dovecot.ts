// A throw-away Postfix + Dovecot pair, as a Postfix fleet runs them: Postfix accepts mail for one
// virtual domain (canary.test) over SMTP and delivers it into a Maildir with its virtual agent, and
// Dovecot serves that Maildir over IMAP. Both have their own configuration, state and ports under a
// temporary directory, so a system Postfix or Dovecot (Debian starts one on port 143 when the
// package is installed) neither helps nor gets in the way. Needs root (Postfix's master and Dovecot
// switch users) and the Debian packages postfix and dovecot-imapd.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, portOpen, waitFor } from '../../scripts/lib/wait.mjs';

const POSTFIX = '/usr/sbin/postfix';
const DOVECOT = '/usr/sbin/dovecot';

export const CANARY_DOMAIN = 'canary.test';
export const CANARY_ADDRESS = `canary@${CANARY_DOMAIN}`;

/** Why the pair cannot run here, or null when it can. */
export function postfixDovecotUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root';
  const missing = [POSTFIX, DOVECOT].filter((bin) => !existsSync(bin));
  if (missing.length) return `needs ${missing.join(' and ')} (scripts/ci/install-mail-tools.sh installs postfix and dovecot-imapd)`;
  return null;
}

export interface PostfixDovecotOptions {
  /** Dovecot also listens for imaps:// with a self-signed certificate for 127.0.0.1. */
  imaps?: boolean;
  /** Dovecot also serves POP3 (needs the Debian package dovecot-pop3d). */
  pop3?: boolean;
}

export interface PostfixDovecot {
  /** Postfix's smtpd on 127.0.0.1, accepting mail for canary@canary.test. */
  smtpPort: number;
  /** imap://canary%40canary.test:<password>@127.0.0.1:<port> */
  imapUrl: string;
  imapPort: number;
  /** With `pop3`: Dovecot's POP3 port on 127.0.0.1 (same user and password), else 0. */
  pop3Port: number;
  /** With `imaps`: imaps://canary%40canary.test:<password>@127.0.0.1:<port>, and the certificate to trust for it. */
  imapsUrl: string | null;
  certificateFile: string | null;
  user: string;
  password: string;
  /** Stops Dovecot only (Postfix keeps accepting); startDovecot() brings it back on the same port. */
  stopDovecot(): Promise<void>;
  startDovecot(): Promise<void>;
  /** Postfix's log and Dovecot's, for a failing test's message. */
  logs(): string;
  /** Stops both and removes every file; nothing is left running. */
  stop(): Promise<void>;
}

function ids(user: string, group: string) {
  const uid = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const gid = spawnSync('getent', ['group', group], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) throw new Error(`no user ${user} or group ${group} on this machine`);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.split(':')[2]) };
}

export async function startPostfixDovecot(options: PostfixDovecotOptions = {}): Promise<PostfixDovecot> {
  const home = mkdtempSync(path.join(tmpdir(), 'postfix-dovecot-'));
  chmodSync(home, 0o755); // Postfix's daemons and Dovecot's mail process run as other users and must reach their files
  const etc = path.join(home, 'postfix-etc');
  const mailBase = path.join(home, 'mail');
  const maildir = path.join(mailBase, CANARY_DOMAIN, 'canary');
  const maillog = path.join(home, 'postfix.log');
  const dovecotConf = path.join(home, 'dovecot.conf');
  const dovecotLog = path.join(home, 'dovecot.log');
  for (const d of ['postfix-etc', 'postfix-queue', 'postfix-data', 'mail', 'dovecot-run', 'dovecot-state']) mkdirSync(path.join(home, d));
  const postfixIds = ids('postfix', 'postfix');
  chownSync(path.join(home, 'postfix-data'), postfixIds.uid, postfixIds.gid);
  // The mailbox belongs to nobody: Postfix's virtual agent writes as that user, Dovecot reads as it.
  const owner = ids('nobody', 'nogroup');
  chownSync(mailBase, owner.uid, owner.gid);

  const [smtpPort, imapPort, imapsPort] = [await freePort(), await freePort(), options.imaps ? await freePort() : 0];
  const pop3Port = options.pop3 ? await freePort() : 0;
  const certificateFile = options.imaps ? path.join(home, 'imaps-cert.pem') : null;
  const keyFile = path.join(home, 'imaps-key.pem');
  if (certificateFile) {
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certificateFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
    if (made.status !== 0) {
      rmSync(home, { recursive: true, force: true });
      throw new Error(`openssl: ${made.stderr || made.error}`);
    }
  }
  const password = `canary-${process.pid}-${Date.now().toString(36)}`;
  const user = CANARY_ADDRESS;

  writeFileSync(
    path.join(etc, 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${home}/postfix-queue`,
      `data_directory = ${home}/postfix-data`,
      'mail_owner = postfix',
      'setgid_group = postdrop',
      'myhostname = mx.canary.test',
      'mydestination =',
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      `maillog_file = ${maillog}`,
      `maillog_file_prefixes = ${home}`,
      'alias_maps =',
      'alias_database =',
      'biff = no',
      `virtual_mailbox_domains = ${CANARY_DOMAIN}`,
      `virtual_mailbox_base = ${mailBase}`,
      // the trailing slash makes it a Maildir
      `virtual_mailbox_maps = inline:{ {${CANARY_ADDRESS}=${CANARY_DOMAIN}/canary/} }`,
      `virtual_uid_maps = static:${owner.uid}`,
      `virtual_gid_maps = static:${owner.gid}`,
      `virtual_minimum_uid = ${Math.min(owner.uid, 100)}`,
      'smtpd_recipient_restrictions = reject_unauth_destination',
      '',
    ].join('\n'),
  );
  const services = [
    `127.0.0.1:${smtpPort} inet n - n - - smtpd`,
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'proxymap unix - - n - - proxymap',
    'smtp unix - - n - - smtp',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'virtual unix - n n - - virtual',
    'pickup unix n - n 60 1 pickup',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
  ];
  writeFileSync(path.join(etc, 'master.cf'), services.join('\n') + '\n');

  writeFileSync(path.join(home, 'dovecot-users'), `${user}:{PLAIN}${password}\n`);
  writeFileSync(
    dovecotConf,
    [
      // instance_name keeps doveadm and the system Dovecot (if any) from mistaking this one for theirs
      `instance_name = dovecot-canary-${process.pid}`,
      `base_dir = ${home}/dovecot-run`,
      `state_dir = ${home}/dovecot-state`,
      `log_path = ${dovecotLog}`,
      `protocols = imap${pop3Port ? ' pop3' : ''}`,
      'listen = 127.0.0.1',
      ...(certificateFile ? ['ssl = yes', `ssl_cert = <${certificateFile}`, `ssl_key = <${keyFile}`] : ['ssl = no']),
      'disable_plaintext_auth = no',
      'auth_mechanisms = plain login',
      `first_valid_uid = ${owner.uid}`,
      `last_valid_uid = ${owner.uid}`,
      `first_valid_gid = ${owner.gid}`,
      `mail_uid = ${owner.uid}`,
      `mail_gid = ${owner.gid}`,
      `mail_location = maildir:${maildir}`,
      'passdb {',
      '  driver = passwd-file',
      `  args = scheme=PLAIN username_format=%u ${home}/dovecot-users`,
      '}',
      'userdb {',
      '  driver = static',
      `  args = uid=${owner.uid} gid=${owner.gid} home=${maildir}`,
      '}',
      'service imap-login {',
      '  inet_listener imap {',
      '    address = 127.0.0.1',
      `    port = ${imapPort}`,
      '  }',
      '  inet_listener imaps {',
      '    address = 127.0.0.1',
      `    port = ${imapsPort}`,
      '  }',
      '}',
      ...(pop3Port ? ['service pop3-login {', '  inet_listener pop3 {', '    address = 127.0.0.1', `    port = ${pop3Port}`, '  }', '  inet_listener pop3s {', '    port = 0', '  }', '}'] : []),
      '',
    ].join('\n'),
  );

  const postfix = (command: string) => spawnSync(POSTFIX, ['-c', etc, command], { encoding: 'utf8', timeout: 20_000 });
  const logs = () =>
    [`postfix log:\n${existsSync(maillog) ? readFileSync(maillog, 'utf8') : '(none)'}`, `dovecot log:\n${existsSync(dovecotLog) ? readFileSync(dovecotLog, 'utf8') : '(none)'}`].join('\n');

  // Dovecot in the foreground (-F) as this process's child, in a process group of its own, so
  // stopping it is a signal to a group this process knows, never a pid file or a process name
  // another Dovecot might share.
  let dovecot: ChildProcess | null = null;
  let dovecotOutput = '';
  const startDovecot = async () => {
    if (dovecot) return;
    const child = spawn(DOVECOT, ['-F', '-c', dovecotConf], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout!.on('data', (d) => (dovecotOutput += d));
    child.stderr!.on('data', (d) => (dovecotOutput += d));
    dovecot = child;
    await waitFor(`Dovecot to listen on ${imapPort}`, async () => {
      if (child.exitCode !== null) throw new Error(`dovecot exited with ${child.exitCode}: ${dovecotOutput}\n${logs()}`);
      return (await portOpen(imapPort)) && (!imapsPort || (await portOpen(imapsPort)));
    }, 15_000);
  };
  // The master's own SIGTERM handling leaves a logged-in imap process running for several seconds
  // after it: the whole process group goes at once, as when a server goes down.
  const stopDovecot = async () => {
    const child = dovecot;
    dovecot = null;
    if (!child?.pid) return;
    const group = -child.pid;
    const alive = () => {
      try {
        process.kill(group, 0);
        return true;
      } catch {
        return false;
      }
    };
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(group, name);
      } catch {
        // already gone
      }
    };
    signal('SIGTERM');
    await waitFor('Dovecot to stop', () => !alive(), 5_000).catch(async () => {
      signal('SIGKILL');
      await waitFor('Dovecot to be killed', () => !alive(), 5_000);
    });
    await waitFor(`Dovecot to stop listening on ${imapPort}`, async () => !(await portOpen(imapPort)), 10_000);
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    postfix('stop');
    await stopDovecot();
    rmSync(home, { recursive: true, force: true });
  };

  try {
    const started = postfix('start');
    if (started.status !== 0) throw new Error(`postfix start: ${started.stderr}\n${logs()}`);
    await waitFor(`Postfix to listen on ${smtpPort}`, () => portOpen(smtpPort), 15_000);
    await startDovecot();
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    smtpPort,
    imapPort,
    pop3Port,
    imapUrl: `imap://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${imapPort}`,
    imapsUrl: imapsPort ? `imaps://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${imapsPort}` : null,
    certificateFile,
    user,
    password,
    stopDovecot,
    startDovecot,
    logs: () => `${logs()}\ndovecot output:\n${dovecotOutput}`,
    stop,
  };
}
