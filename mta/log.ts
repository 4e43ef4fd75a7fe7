// Concise log lines on stdout, one per event, with a UTC timestamp.
export type Log = (line: string) => void;

export function createLog(write: (text: string) => void = (text) => process.stdout.write(text)): Log {
  return (line) => write(`${new Date().toISOString()} mta: ${line}\n`);
}
