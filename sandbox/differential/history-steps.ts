// The replay's parameter-history steps: a few versions compared field by field, then 101 writes paged
// back 50 at a time (the 101st drops version 1). The paging steps compare the versions each page holds
// and whether a token came back, not 50 copies of the same entry shape.
import { GetParameterHistoryCommand, PutParameterCommand, type GetParameterHistoryCommandOutput } from '@aws-sdk/client-ssm';
import type { Step, StepContext } from './replay.js';

const SMALL = '/diff/history-small';
const MANY = '/diff/history-many';
const HISTORY_TOKEN = '<token:history>';

const put = (ctx: StepContext, name: string, value: string, first: boolean) =>
  ctx.world.ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: !first, ...(first ? { Description: 'history' } : {}) }));

const history = (ctx: StepContext, name: string, extra: { MaxResults?: number; NextToken?: string } = {}) =>
  ctx.world.ssm.send(new GetParameterHistoryCommand({ Name: name, ...ctx.resolve(extra) }));

/** Which versions a page holds, and its token (normalised to its presence). */
const versionsOf = async (page: Promise<GetParameterHistoryCommandOutput>) => {
  const out = await page;
  return { Versions: (out.Parameters ?? []).map((p) => p.Version), NextToken: out.NextToken };
};

export function historySteps(): Step[] {
  return [
    {
      id: 'ssm.history.small.put',
      call: async (ctx) => {
        await put(ctx, SMALL, 'blue', true);
        await put(ctx, SMALL, 'blue', false); // unchanged value: still a new version
        return put(ctx, SMALL, 'green', false);
      },
    },
    { id: 'ssm.history.small', call: (ctx) => history(ctx, SMALL) },
    {
      id: 'ssm.history.many.put',
      call: async (ctx) => {
        for (let v = 1; v < 101; v += 1) await put(ctx, MANY, `value-${v}`, v === 1);
        return put(ctx, MANY, 'value-101', false);
      },
    },
    {
      id: 'ssm.history.many.page.1',
      call: (ctx) => versionsOf(history(ctx, MANY, { MaxResults: 50 })),
      bind: (out) => ({ [HISTORY_TOKEN]: (out as { NextToken?: string }).NextToken }),
    },
    { id: 'ssm.history.many.page.2', call: (ctx) => versionsOf(history(ctx, MANY, { MaxResults: 50, NextToken: HISTORY_TOKEN })) },
    { id: 'ssm.history.missing', call: (ctx) => history(ctx, '/diff/history-absent') },
    { id: 'ssm.history.invalid.max-results-51', call: (ctx) => history(ctx, SMALL, { MaxResults: 51 }) },
  ];
}
