// Reads GITHUB_OUTPUT, GITHUB_STATE and GITHUB_ENV as the runner's FileCommandManager does once the step has
// ended: `name=value` lines and `name<<DELIMITER` heredocs, empty lines skipped, a malformed file fails the step.

/** A file command the runner would refuse; it fails the step ("Unable to process file command ..."). */
export class FileCommandError extends Error {
  override name = 'FileCommandError';
}

/** Parses one key/value file command's contents; later values of a name win, as on the runner. */
export function parseKeyValueFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  let index = 0;
  const readLine = (): { line: string; newline: number } | undefined => {
    if (index >= text.length) return undefined;
    const start = index;
    const lf = text.indexOf('\n', index);
    if (lf < 0) {
      index = text.length;
      return { line: text.slice(start), newline: 0 };
    }
    index = lf + 1;
    return { line: text.slice(start, lf), newline: 1 };
  };

  for (let next = readLine(); next !== undefined; next = readLine()) {
    const { line } = next;
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      const name = line.slice(0, equals);
      if (name === '') throw new FileCommandError(`invalid line ${JSON.stringify(line)}: the name must not be empty`);
      values[name] = line.slice(equals + 1);
    } else if (heredoc >= 0) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (name === '' || delimiter === '') {
        throw new FileCommandError(`invalid line ${JSON.stringify(line)}: the name and the delimiter must not be empty`);
      }
      const start = index;
      let end = index;
      for (let body = readLine(); ; body = readLine()) {
        if (body === undefined) throw new FileCommandError(`matching delimiter not found '${delimiter}' for '${name}'`);
        if (body.line === delimiter) break;
        end = index - body.newline;
      }
      values[name] = text.slice(start, end);
    } else {
      throw new FileCommandError(`invalid line ${JSON.stringify(line)}: expected name=value or name<<DELIMITER`);
    }
  }
  return values;
}

/** GITHUB_PATH: one directory per non-empty line, in order. */
export function parsePathFile(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}
