let knownZones: Map<string, string> | undefined;

/**
 * `timeZone` as an IANA zone name, or undefined when it names no zone. The spelling is kept
 * (ICU would turn `America/Argentina/Buenos_Aires` into the older `America/Buenos_Aires`)
 * except for letter case, which is fixed for the zones the engine lists (`europe/warsaw` →
 * `Europe/Warsaw`). Offsets such as `+01:00`, which newer engines accept as time zones, are
 * refused: an organization's zone must follow daylight saving time, which an offset does not.
 */
export function canonicalTimeZone(timeZone: string): string | undefined {
  if (timeZone === '' || /^[+-]/.test(timeZone)) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  knownZones ??= new Map([...Intl.supportedValuesOf('timeZone'), 'UTC'].map((zone) => [zone.toLowerCase(), zone]));
  return (
    knownZones.get(timeZone.toLowerCase()) ?? (resolved.toLowerCase() === timeZone.toLowerCase() ? resolved : timeZone)
  );
}
