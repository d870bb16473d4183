// Parameter Store's state: each parameter's current version and the versions it keeps. Every
// successful PutParameter writes a new version (also when the value is unchanged), and Parameter Store
// keeps the last 100: "Parameter Store retains the 100 most recently created versions of a parameter.
// After this number of versions has been created, Parameter Store deletes the oldest version when a new
// one is created." (PutParameter, error ParameterMaxVersionLimitExceeded:
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html)
// Labels are not modelled, so no version is ever held back by one (ParameterMaxVersionLimitExceeded).
import { EventEmitter } from 'node:events';

export interface Parameter {
  Name: string;
  Type: 'String' | 'StringList' | 'SecureString';
  Value: string;
  Version: number;
  LastModifiedDate: Date;
  Description?: string;
  DataType: string;
  /** ARN of whoever wrote this version (GetParameterHistory's LastModifiedUser). */
  LastModifiedUser: string;
}

export const MAX_VERSIONS = 100;

/** Payload of `parameterChanged`: `value` undefined when the parameter was deleted. */
export interface ParameterChangedEvent {
  name: string;
  value: string | undefined;
  version?: number;
}

export class SsmModel extends EventEmitter {
  /** The current (latest) version of each parameter. */
  readonly parameters = new Map<string, Parameter>();
  /** Every version kept, oldest first (at most MAX_VERSIONS); the last is `parameters.get(name)`. */
  readonly history = new Map<string, Parameter[]>();

  /** Stores `p` as the parameter's newest version, dropping the oldest beyond MAX_VERSIONS. */
  write(p: Parameter): void {
    const versions = [...(this.history.get(p.Name) ?? []), p];
    this.history.set(p.Name, versions.slice(-MAX_VERSIONS));
    this.parameters.set(p.Name, p);
    this.emit('parameterChanged', { name: p.Name, value: p.Value, version: p.Version } satisfies ParameterChangedEvent);
  }

  /** Deletes the parameter and all its versions; false when there was none. */
  remove(name: string): boolean {
    this.history.delete(name);
    if (!this.parameters.delete(name)) return false;
    this.emit('parameterChanged', { name, value: undefined } satisfies ParameterChangedEvent);
    return true;
  }

  /** One kept version, or undefined. */
  version(name: string, version: number): Parameter | undefined {
    return this.history.get(name)?.find((p) => p.Version === version);
  }
}
