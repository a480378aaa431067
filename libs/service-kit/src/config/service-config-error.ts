/** The environment is not usable; `message` names every offending variable. */
export class ServiceConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ServiceConfigError';
  }
}
