// Why a probe run failed, in both languages, from one code and its parameters: the English text is
// what ProbeResult.error stores (logs, the API), the code and parameters go into the result's
// detail (`problem`) so that the console words it in the staff member's language.

type Params = Record<string, string | number>;

const RUN_PROBLEMS = {
  connectFailed: { en: (p: Params) => `cannot connect to ${p.where}: ${p.reason}`, ja: (p: Params) => `${p.where} に接続できません（${p.reason}）` },
  refused: { en: (p: Params) => `${p.where} refused the connection`, ja: (p: Params) => `${p.where} に接続を拒否されました` },
  noAnswer: { en: (p: Params) => `no answer within ${p.seconds} s`, ja: (p: Params) => `${p.seconds}秒以内に応答がありません` },
  noAnswerFrom: { en: (p: Params) => `no answer from ${p.where} within ${p.seconds} s`, ja: (p: Params) => `${p.where} から${p.seconds}秒以内に応答がありません` },
  httpStatus: { en: (p: Params) => `HTTP ${p.status}, expected ${p.expected}`, ja: (p: Params) => `HTTP ${p.status}（期待値: ${p.expected}）` },
  keywordMissing: { en: (p: Params) => `"${p.keyword}" is not on the page`, ja: (p: Params) => `ページに「${p.keyword}」がありません` },
  keywordPresent: { en: (p: Params) => `the page contains "${p.keyword}"`, ja: (p: Params) => `ページに「${p.keyword}」が含まれています` },
  tooManyRedirects: { en: (p: Params) => `more than ${p.max} redirects`, ja: (p: Params) => `リダイレクトが${p.max}回を超えました` },
  certExpired: { en: (p: Params) => `the certificate of ${p.where} has expired`, ja: (p: Params) => `${p.where} の証明書の有効期限が切れています` },
  certUntrusted: { en: (p: Params) => `the certificate of ${p.where} is not trusted (${p.reason})`, ja: (p: Params) => `${p.where} の証明書を信頼できません（${p.reason}）` },
  certShort: { en: (p: Params) => `the certificate expires in ${p.days} days (fewer than ${p.min})`, ja: (p: Params) => `証明書の残りが${p.days}日です（${p.min}日未満）` },
  dnsNoRecord: { en: (p: Params) => `${p.name} ${p.type}: no such record`, ja: (p: Params) => `${p.name} の ${p.type} レコードがありません` },
  dnsMismatch: { en: (p: Params) => `${p.name} ${p.type} answered ${p.answers}, expected ${p.expected}`, ja: (p: Params) => `${p.name} の ${p.type} は ${p.answers}（期待値: ${p.expected}）` },
  bannerWrong: { en: (p: Params) => `${p.where} greeted with "${p.banner}", not ${p.expected}`, ja: (p: Params) => `${p.where} の応答「${p.banner}」が ${p.expected} ではありません` },
  loginRefused: { en: (p: Params) => `login refused by ${p.where}${p.reply ? `: ${p.reply}` : ''}`, ja: (p: Params) => `${p.where} でログインできません${p.reply ? `（${p.reply}）` : ''}` },
  closed: { en: (p: Params) => `${p.where} closed the connection`, ja: (p: Params) => `${p.where} が接続を切断しました` },
} satisfies Record<string, { en: (p: Params) => string; ja: (p: Params) => string }>;

export type RunProblemCode = keyof typeof RUN_PROBLEMS;

export interface RunProblem {
  code: RunProblemCode;
  params: Params;
}

export function runProblemText(problem: RunProblem, lang: 'ja' | 'en'): string {
  return RUN_PROBLEMS[problem.code][lang](problem.params);
}

/** A stored result's problem (ProbeResult.detail.problem), when it is one this version words. */
export function storedRunProblem(detail: Record<string, unknown> | null | undefined): RunProblem | null {
  const p = detail?.problem as { code?: unknown; params?: unknown } | undefined;
  if (!p || typeof p.code !== 'string' || !(p.code in RUN_PROBLEMS) || typeof p.params !== 'object' || p.params === null) return null;
  return { code: p.code as RunProblemCode, params: p.params as Params };
}
