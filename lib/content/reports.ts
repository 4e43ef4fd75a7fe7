import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';
import YAML from 'yaml';
import type { z } from 'zod';
import { markdownHeadings } from './markdown';
import { reportFrontMatterSchema, translationFrontMatterSchema, type ReportFrontMatter } from './schema';

export interface Report {
  file: string;
  frontMatter: ReportFrontMatter;
  bodyJa: string;
  bodyEn: string;
  /** Changes whenever either file changes, so an unchanged report is not imported again. */
  hash: string;
}

/** A problem in a content file, naming the file and the field. */
export interface ContentProblem {
  file: string;
  field: string;
  message: string;
}

export class ContentError extends Error {
  constructor(public readonly problems: ContentProblem[]) {
    super(
      `Invalid incident report${problems.length > 1 ? 's' : ''}:\n` +
        problems.map((p) => `  ${p.file}: ${p.field}: ${p.message}`).join('\n'),
    );
    this.name = 'ContentError';
  }
}

// The yaml package's core schema keeps dates as strings, so "2014-12-05" stays a day and is not
// silently turned into midnight UTC.
const matterOptions = { engines: { yaml: (source: string) => YAML.parse(source) as object } };

const SECTION_COUNT = 6;

export function loadReports(dir: string, knownComponents: ReadonlySet<string>): Report[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
  const problems: ContentProblem[] = [];
  const reports: Report[] = [];
  const schema = reportFrontMatterSchema(knownComponents);
  const shown = (f: string) => path.join(path.relative(process.cwd(), dir) || '.', f);

  const translations = new Set(files.filter((f) => f.endsWith('.en.md')));
  for (const t of translations) {
    if (!files.includes(t.replace(/\.en\.md$/, '.md'))) {
      problems.push({ file: shown(t), field: 'file', message: 'English translation without a Japanese report of the same name' });
    }
  }

  for (const file of files.filter((f) => !translations.has(f))) {
    const slugFromName = file.replace(/\.md$/, '');
    const source = readFileSync(path.join(dir, file), 'utf8');
    const parsed = parseFrontMatter(source, shown(file), problems);
    if (!parsed) continue;
    const result = schema.safeParse(parsed.data);
    if (!result.success) {
      problems.push(...zodProblems(shown(file), result.error));
      continue;
    }
    const fm = result.data;
    if (fm.slug !== slugFromName) {
      problems.push({ file: shown(file), field: 'slug', message: `"${fm.slug}" does not match the file name "${slugFromName}"` });
      continue;
    }

    const enFile = `${slugFromName}.en.md`;
    let bodyEn = '';
    let enSource = '';
    if (translations.has(enFile)) {
      enSource = readFileSync(path.join(dir, enFile), 'utf8');
      const en = parseFrontMatter(enSource, shown(enFile), problems);
      if (!en) continue;
      const enResult = translationFrontMatterSchema.safeParse(en.data);
      if (!enResult.success) {
        problems.push(...zodProblems(shown(enFile), enResult.error));
        continue;
      }
      bodyEn = en.content.trim();
    }
    const bodyJa = parsed.content.trim();

    if (fm.status === 'postmortem' && !bodyJa) {
      problems.push({ file: shown(file), field: 'body', message: 'a postmortem needs the report body' });
    }
    checkSections(bodyJa, shown(file), problems);
    checkSections(bodyEn, shown(enFile), problems);

    const hash = createHash('sha256').update(source).update('\0').update(enSource).digest('hex');
    reports.push({ file: shown(file), frontMatter: fm, bodyJa, bodyEn, hash });
  }

  if (problems.length) throw new ContentError(problems);
  return reports;
}

function parseFrontMatter(source: string, file: string, problems: ContentProblem[]) {
  if (!source.startsWith('---')) {
    problems.push({ file, field: 'front matter', message: 'missing: the file must start with a "---" block' });
    return null;
  }
  try {
    return matter(source, matterOptions);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    problems.push({ file, field: 'front matter', message: `is not valid YAML (${reason})` });
    return null;
  }
}

function zodProblems(file: string, error: z.ZodError): ContentProblem[] {
  return error.issues.map((issue) => ({
    file,
    field: issue.path.length ? issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${String(p)}` : String(p))).join('') : 'front matter',
    message: issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message,
  }));
}

// A report body, when present, has the six numbered sections (発生日時 … 今後の対策) in order.
function checkSections(body: string, file: string, problems: ContentProblem[]) {
  if (!body) return;
  const numbers = markdownHeadings(body)
    .filter((h) => h.depth === 2)
    .map((h) => /^(\d+)\./.exec(h.text)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
  const expected = Array.from({ length: SECTION_COUNT }, (_, i) => i + 1);
  if (numbers.join(',') !== expected.join(',')) {
    problems.push({
      file,
      field: 'body',
      message: `needs the sections "## 1." to "## ${SECTION_COUNT}." in order (found ${numbers.length ? numbers.join(', ') : 'none'})`,
    });
  }
}
