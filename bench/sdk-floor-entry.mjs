// The SDK floor for the cold-start figure: one SSM client, one request, bundled exactly as dist/ is.
// The action's first AWS request cannot come sooner than this does.
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

await new SSMClient({ region: 'us-east-1' }).send(new GetParameterCommand({ Name: '/bench/floor' })).catch(() => undefined);
