// SsmPort over the SSM client. The live colour is a plain String parameter so scripts reading it
// with `aws ssm get-parameter` keep working; putIfAbsent (Overwrite false) is what the lock is built on.
import { DeleteParameterCommand, GetParameterCommand, GetParameterHistoryCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { isAwsError, tagOperations } from './aws-error.js';
import type { ClientConfig } from './client-config.js';
import type { ParameterValue, ParameterVersion, SsmPort } from './ports.js';

const NOT_FOUND = ['ParameterNotFound'];
const ALREADY_EXISTS = ['ParameterAlreadyExists'];

export function createSsmPort(client: SSMClient): SsmPort {
  const putCommand = (name: string, value: string, overwrite: boolean, description?: string) =>
    new PutParameterCommand({
      Name: name,
      Value: value,
      Type: 'String',
      Overwrite: overwrite,
      ...(description !== undefined && { Description: description }),
    });

  return {
    async get(name: string): Promise<ParameterValue | undefined> {
      try {
        const out = await client.send(new GetParameterCommand({ Name: name }));
        const modified = out.Parameter?.LastModifiedDate;
        return { value: out.Parameter?.Value ?? '', version: out.Parameter?.Version ?? 0, ...(modified ? { lastModified: modified.toISOString() } : {}) };
      } catch (e) {
        if (isAwsError(e, ...NOT_FOUND)) return undefined;
        throw e;
      }
    },

    async history(name: string): Promise<ParameterVersion[] | undefined> {
      const versions: ParameterVersion[] = [];
      let token: string | undefined;
      try {
        do {
          // 50 is GetParameterHistory's largest page: SSM keeps 100 versions, so two calls at most.
          const out = await client.send(new GetParameterHistoryCommand({ Name: name, MaxResults: 50, ...(token ? { NextToken: token } : {}) }));
          for (const p of out.Parameters ?? []) {
            versions.push({
              version: p.Version ?? 0,
              value: p.Value ?? '',
              modifiedAt: (p.LastModifiedDate ?? new Date(0)).toISOString(),
              ...(p.Description !== undefined ? { description: p.Description } : {}),
            });
          }
          token = out.NextToken || undefined;
        } while (token);
      } catch (e) {
        if (isAwsError(e, ...NOT_FOUND)) return undefined;
        throw e;
      }
      // AWS does not document the order of the versions: sort them, oldest first.
      return versions.sort((a, b) => a.version - b.version);
    },

    async put(name: string, value: string, description?: string): Promise<void> {
      await client.send(putCommand(name, value, true, description));
    },

    async putIfAbsent(name: string, value: string, description?: string): Promise<boolean> {
      try {
        await client.send(putCommand(name, value, false, description));
        return true;
      } catch (e) {
        if (isAwsError(e, ...ALREADY_EXISTS)) return false;
        throw e;
      }
    },

    async delete(name: string): Promise<void> {
      try {
        await client.send(new DeleteParameterCommand({ Name: name }));
      } catch (e) {
        if (!isAwsError(e, ...NOT_FOUND)) throw e;
      }
    },
  };
}

/** Builds the client and the port together: what clients.ts loads lazily, on the port's first call. */
export const connect = (config: ClientConfig): SsmPort => createSsmPort(tagOperations(new SSMClient(config), 'ssm'));
