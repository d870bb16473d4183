// Typed stand-ins for @actions/core, loaded with jest.unstable_mockModule before the code under test.
import { jest } from '@jest/globals';
import type * as core from '@actions/core';

const inputs = new Map<string, string>();

export const setInputs = (values: Record<string, string>): void => {
  inputs.clear();
  for (const [k, v] of Object.entries(values)) inputs.set(k, v);
};

export const getInput = jest.fn<typeof core.getInput>((name) => inputs.get(name) ?? '');
export const getBooleanInput = jest.fn<typeof core.getBooleanInput>();
export const getMultilineInput = jest.fn<typeof core.getMultilineInput>();
export const setOutput = jest.fn<typeof core.setOutput>();
export const setFailed = jest.fn<typeof core.setFailed>();
export const setSecret = jest.fn<typeof core.setSecret>();
export const saveState = jest.fn<typeof core.saveState>();
export const getState = jest.fn<typeof core.getState>(() => '');
export const info = jest.fn<typeof core.info>();
export const debug = jest.fn<typeof core.debug>();
export const notice = jest.fn<typeof core.notice>();
export const warning = jest.fn<typeof core.warning>();
export const error = jest.fn<typeof core.error>();
export const isDebug = jest.fn<typeof core.isDebug>(() => false);
export const startGroup = jest.fn<typeof core.startGroup>();
export const endGroup = jest.fn<typeof core.endGroup>();
export const group = jest.fn(async <T>(_name: string, fn: () => Promise<T>): Promise<T> => fn());
export const ExitCode = { Success: 0, Failure: 1 } as const;

const summaryText: string[] = [];
export const summaryWritten = (): string => summaryText.join('');
export const summary = {
  addRaw: jest.fn((text: string) => {
    summaryText.push(text);
    return summary;
  }),
  addHeading: jest.fn(() => summary),
  addTable: jest.fn(() => summary),
  addCodeBlock: jest.fn(() => summary),
  addEOL: jest.fn(() => summary),
  write: jest.fn(async () => summary),
  emptyBuffer: jest.fn(() => summary),
  stringify: jest.fn(() => summaryText.join('')),
};

/** Messages of every annotation of a level, for assertions. */
export const messages = (fn: typeof info | typeof warning | typeof error | typeof notice): string[] =>
  fn.mock.calls.map((call) => String(call[0]));

export const resetCore = (): void => {
  summaryText.length = 0;
  inputs.clear();
};
