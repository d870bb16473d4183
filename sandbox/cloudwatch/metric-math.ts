// Statistics over a period's raw samples, and the part of CloudWatch metric math the action uses:
// FILL(series, number), + - * / between series and numbers, unary minus, parentheses, numbers and
// references to other queries' ids. Anything else is refused with a ValidationError naming it.
import { AwsError } from '../core/aws-error.js';

/** A time series: period start (epoch ms) → value, with the period its points are aligned to. */
export interface Series {
  periodMs: number;
  points: Map<number, number>;
}

type Value = number | Series;

const invalid = (message: string) => new AwsError('ValidationError', message);

/** AWS: a GetMetricData call "can retrieve as many as 100,800 data points". */
export const MAX_DATAPOINTS = 100_800;

const PERCENTILE = /^p(\d{1,2}(\.\d{1,2})?|100(\.0{1,2})?)$/;

/**
 * The function computing `stat` over one period's raw values. Percentiles are nearest-rank over the
 * raw samples (AWS estimates them from its own storage; on few samples the two can differ).
 */
export function statistic(stat: string, at: string): (values: number[]) => number {
  const simple: Record<string, (v: number[]) => number> = {
    Sum: (v) => v.reduce((a, b) => a + b, 0),
    SampleCount: (v) => v.length,
    Average: (v) => v.reduce((a, b) => a + b, 0) / v.length,
    Minimum: (v) => Math.min(...v),
    Maximum: (v) => Math.max(...v),
  };
  const fn = simple[stat];
  if (fn) return fn;
  if (PERCENTILE.test(stat)) {
    const p = Number(stat.slice(1));
    return (v) => {
      const sorted = [...v].sort((a, b) => a - b);
      return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] as number;
    };
  }
  throw invalid(`The sandbox does not support the statistic '${stat}' at '${at}'; it supports Sum, SampleCount, Average, Minimum, Maximum and pNN.NN`);
}

/** Raw [time, value] samples → one value per period that has samples (no samples, no datapoint). */
export function aggregate(raw: [number, number][], periodMs: number, fn: (values: number[]) => number): Series {
  const buckets = new Map<number, number[]>();
  for (const [at, value] of raw) {
    const start = Math.floor(at / periodMs) * periodMs;
    const values = buckets.get(start);
    if (values) values.push(value);
    else buckets.set(start, [value]);
  }
  return { periodMs, points: new Map([...buckets].map(([start, values]) => [start, fn(values)])) };
}

export interface MathContext {
  /** The series of another query of the request; throws for an unknown id. */
  resolve(id: string): Series;
  startMs: number;
  endMs: number;
}

/** Evaluates an expression to a single time series. */
export function evaluate(expression: string, ctx: MathContext): Series {
  const parser = new Parser(tokenize(expression), ctx);
  const value = parser.expression();
  parser.expectEnd();
  if (typeof value === 'number') throw invalid(`The expression '${expression}' must produce a time series, not a number`);
  return value;
}

type Token = { kind: 'number'; value: number } | { kind: 'name'; value: string } | { kind: 'op'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/(),]))/y;
  let at = 0;
  while (at < text.length && text.slice(at).trim() !== '') {
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    if (!m) throw invalid(`The sandbox cannot parse the expression '${text}' at '${text.slice(at).trim()}'`);
    if (m[1] !== undefined) tokens.push({ kind: 'number', value: Number(m[1]) });
    else if (m[2] !== undefined) tokens.push({ kind: 'name', value: m[2] });
    else tokens.push({ kind: 'op', value: m[3] as string });
    at = pattern.lastIndex;
  }
  return tokens;
}

/** Recursive descent that evaluates as it parses: expression := term (('+'|'-') term)*, term := unary (('*'|'/') unary)*. */
class Parser {
  private at = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly ctx: MathContext,
  ) {}

  expression(): Value {
    let left = this.term();
    while (this.peekOp('+') || this.peekOp('-')) {
      const op = this.next().value as '+' | '-';
      left = combine(left, this.term(), op);
    }
    return left;
  }

  expectEnd(): void {
    const extra = this.tokens[this.at];
    if (extra) throw invalid(`Unexpected '${extra.value}' in the expression`);
  }

  private term(): Value {
    let left = this.unary();
    while (this.peekOp('*') || this.peekOp('/')) {
      const op = this.next().value as '*' | '/';
      left = combine(left, this.unary(), op);
    }
    return left;
  }

  private unary(): Value {
    if (!this.peekOp('-')) return this.primary();
    this.next();
    return combine(-1, this.unary(), '*');
  }

  private primary(): Value {
    const token = this.next();
    if (token.kind === 'number') return token.value;
    if (token.kind === 'op' && token.value === '(') {
      const inner = this.expression();
      this.expectOp(')');
      return inner;
    }
    if (token.kind === 'name') return this.peekOp('(') ? this.call(token.value) : this.ctx.resolve(token.value);
    throw invalid(`Unexpected '${token.value}' in the expression`);
  }

  private call(name: string): Value {
    if (name !== 'FILL') throw invalid(`The sandbox does not support the metric math function ${name}; it supports FILL(id, number) and + - * /`);
    this.expectOp('(');
    const series = this.expression();
    this.expectOp(',');
    const filler = this.expression();
    this.expectOp(')');
    if (typeof series === 'number') throw invalid('FILL takes a time series as its first argument');
    if (typeof filler !== 'number') throw invalid('The sandbox supports FILL with a number only (not REPEAT, LINEAR or a series)');
    return fill(series, filler, this.ctx);
  }

  private next(): Token {
    const token = this.tokens[this.at++];
    if (!token) throw invalid('The expression ends too early');
    return token;
  }

  private peekOp(op: string): boolean {
    const token = this.tokens[this.at];
    return token?.kind === 'op' && token.value === op;
  }

  private expectOp(op: string): void {
    const token = this.next();
    if (token.kind !== 'op' || token.value !== op) throw invalid(`Expected '${op}' in the expression, found '${token.value}'`);
  }
}

/**
 * Every period of [StartTime, EndTime) without a value gets `value`, also when the series has no
 * datapoint at all: AWS's advice for a vended metric that has none is to "use math expression Fill to
 * fill with 0 when there are no datapoints" (aws/aws-sdk-js-v3#6873, relayed from the CloudWatch team).
 */
function fill(series: Series, value: number, ctx: MathContext): Series {
  const points = new Map<number, number>();
  const first = Math.floor(ctx.startMs / series.periodMs) * series.periodMs;
  if ((ctx.endMs - first) / series.periodMs > MAX_DATAPOINTS) {
    throw invalid(`FILL would produce more than ${MAX_DATAPOINTS} datapoints (a GetMetricData call returns at most that many); narrow the time range or widen the period`);
  }
  for (let start = first; start < ctx.endMs; start += series.periodMs) points.set(start, series.points.get(start) ?? value);
  return { periodMs: series.periodMs, points };
}

/**
 * AWS: "Missing values in a time series are treated as 0. If the value of a data point causes a
 * function to attempt to divide by zero, the data point is dropped." So two series combine over the
 * union of their timestamps.
 */
function combine(left: Value, right: Value, op: '+' | '-' | '*' | '/'): Value {
  const apply = (a: number, b: number): number | undefined => {
    if (op === '/') return b === 0 ? undefined : a / b;
    return op === '+' ? a + b : op === '-' ? a - b : a * b;
  };
  if (typeof left === 'number' && typeof right === 'number') {
    const result = apply(left, right);
    if (result === undefined) throw invalid('Division by zero in the expression');
    return result;
  }
  const periodMs = typeof left === 'number' ? (right as Series).periodMs : left.periodMs;
  const at = (v: Value, t: number) => (typeof v === 'number' ? v : (v.points.get(t) ?? 0));
  const times = new Set([...(typeof left === 'number' ? [] : left.points.keys()), ...(typeof right === 'number' ? [] : right.points.keys())]);
  const points = new Map<number, number>();
  for (const t of times) {
    const result = apply(at(left, t), at(right, t));
    if (result !== undefined) points.set(t, result);
  }
  return { periodMs, points };
}
