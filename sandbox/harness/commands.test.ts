// The runner's parsing rules for workflow commands and file commands, edge cases included.
import { describe, expect, it } from '@jest/globals';
import { FileCommandError, parseKeyValueFile } from './file-commands.js';
import { applyMasks, CommandProcessor, parseWorkflowCommand } from './workflow-commands.js';

describe('parseWorkflowCommand', () => {
  it('undoes data and property escapes in the runner order', () => {
    expect(parseWorkflowCommand('  ::error title=a%3Ab%2Cc%25,line=3::x%0Ay%0Dz %250A')).toEqual({
      command: 'error',
      properties: { title: 'a:b,c%', line: '3' },
      data: 'x\ny\rz %0A',
    });
  });

  it('drops properties without a value and ignores unknown commands and plain text', () => {
    expect(parseWorkflowCommand('::warning title=,file=a.ts::w')?.properties).toEqual({ file: 'a.ts' });
    expect(parseWorkflowCommand('::set-whatever::x')).toBeUndefined();
    expect(parseWorkflowCommand('text ::error::x')).toBeUndefined();
    expect(parseWorkflowCommand('::error no terminator')).toBeUndefined();
  });
});

describe('CommandProcessor', () => {
  it('collects annotations and masks, and honours stop-commands until its token', () => {
    const processor = new CommandProcessor('post');
    ['::add-mask::one', '::add-mask:: ', '::stop-commands::pause-1', '::error::ignored', '::pause-1::', '::notice::seen'].forEach((l) =>
      processor.line(l),
    );
    expect(processor.masks).toEqual(['one']);
    expect(processor.annotations).toEqual([{ step: 'post', level: 'notice', message: 'seen', properties: {} }]);
  });

  it('masks longer secrets first', () => {
    expect(applyMasks('token abc and abcdef', ['abc', 'abcdef'])).toBe('token *** and ***');
  });
});

describe('parseKeyValueFile', () => {
  it('reads plain and heredoc entries, later values winning and empty lines skipped', () => {
    const text = 'a=1\n\nb<<EOF\nx\n\ny\nEOF\nc<<D\nD\na=2=3\nd=\n';
    expect(parseKeyValueFile(text)).toEqual({ a: '2=3', b: 'x\n\ny', c: '', d: '' });
  });

  it('treats `=` before `<<` as a plain entry', () => {
    expect(parseKeyValueFile('k=v<<w\n')).toEqual({ k: 'v<<w' });
  });

  it('rejects what the runner rejects', () => {
    expect(() => parseKeyValueFile('=v\n')).toThrow(FileCommandError);
    expect(() => parseKeyValueFile('k<<\nv\n')).toThrow(/delimiter must not be empty/);
    expect(() => parseKeyValueFile('k<<EOF\nv\n')).toThrow(/matching delimiter not found 'EOF'/);
    expect(() => parseKeyValueFile('no separator\n')).toThrow(/expected name=value/);
  });
});
