// YAML task definition files (as the official ECS deploy action accepts them). The parser is a chunk of its
// own, loaded before the inputs are read and only when `task-definition` names a .yml/.yaml file, so a run
// with a JSON file or a registered task definition starts without it; reading the inputs stays synchronous.
let parser: ((text: string) => unknown) | undefined;

export const isYamlPath = (path: string): boolean => /\.ya?ml$/i.test(path.trim());

/** Loads the parser when `taskDefinitionInput` is a YAML path; call before readConfig. */
export async function prepareYaml(taskDefinitionInput: string): Promise<void> {
  if (parser || !isYamlPath(taskDefinitionInput)) return;
  const { parse } = await import('yaml');
  parser = (text) => parse(text);
}

/** Parses YAML text; the parser must have been loaded (prepareYaml) for this path. */
export function parseYaml(text: string): unknown {
  if (!parser) throw new Error('the YAML parser was not loaded before a YAML task definition was read (prepareYaml)');
  return parser(text);
}
