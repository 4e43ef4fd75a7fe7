// npm run staff -- add <email> --role admin|editor   create an account, print its set-up link
// npm run staff -- reset <email>                      new set-up link (e.g. forgotten password)
// npm run staff -- disable <email> | enable <email> | list
import { spawnSync } from 'node:child_process';
import { audit } from '../lib/audit/log';
import { inviteStaff, issueSetupLink, listStaff, setStaffDisabled, StaffEmail, StaffRole } from '../lib/auth/staff';
import { db } from '../lib/db';

const [command, email, ...rest] = process.argv.slice(2);
const cli = { id: null, email: 'cli' };

function fail(message: string): never {
  console.error(`staff: ${message}`);
  process.exit(1);
}

// A new database gets its tables first. A migrated one is left alone: migrating takes a lock that
// would wait for the running site.
try {
  await db.staffUser.count();
} catch {
  const migrate = spawnSync('npx', ['prisma', 'migrate', 'deploy'], { encoding: 'utf8' });
  if (migrate.status !== 0) fail(`migrations failed:\n${migrate.stdout}${migrate.stderr}`);
}

async function findUser(address: string | undefined) {
  const parsed = StaffEmail.safeParse(address ?? '');
  if (!parsed.success) fail('give an email address');
  const user = await db.staffUser.findUnique({ where: { email: parsed.data } });
  if (!user) fail(`no account for ${parsed.data}`);
  return user;
}

try {
  switch (command) {
    case 'add': {
      const roleIndex = rest.indexOf('--role');
      const role = StaffRole.safeParse(roleIndex >= 0 ? rest[roleIndex + 1] : undefined);
      if (!role.success) fail('--role must be admin or editor');
      if (!StaffEmail.safeParse(email ?? '').success) fail(`"${email ?? ''}" is not an email address`);
      const { user, link } = await inviteStaff(email, role.data);
      await audit(cli, 'staff.invite', { type: 'staff', id: user.id }, { email: user.email, role: user.role });
      console.log(`${user.email} (${user.role}): open this link once to set the password (valid for a limited time):\n${link}`);
      break;
    }
    case 'reset': {
      const user = await findUser(email);
      const link = await issueSetupLink(user.id);
      await audit(cli, 'staff.reset_link', { type: 'staff', id: user.id }, { email: user.email });
      console.log(`${user.email}: new single-use link to set the password:\n${link}`);
      break;
    }
    case 'disable':
    case 'enable': {
      const user = await findUser(email);
      await setStaffDisabled(user.id, command === 'disable');
      await audit(cli, `staff.${command}`, { type: 'staff', id: user.id }, { email: user.email });
      console.log(`${user.email}: ${command}d`);
      break;
    }
    case 'list': {
      for (const s of await listStaff()) {
        console.log(`${s.email}\t${s.role}\t${s.disabled ? 'disabled' : s.hasPassword ? 'active' : 'waiting for password'}`);
      }
      break;
    }
    default:
      fail('usage: npm run staff -- add <email> --role admin|editor | reset <email> | disable <email> | enable <email> | list');
  }
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
} finally {
  await db.$disconnect();
}
