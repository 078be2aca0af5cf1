// Random choices for tests, from a seed that repeats a run: the seed is printed, and the
// variable names it so a failing run can be repeated exactly.
export function seeded(variable: string, fallback: number) {
  const seed = Number(process.env[variable] ?? fallback);
  let state = seed || 1;
  const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
  return {
    seed,
    random,
    /** A whole number in [low, high). */
    between: (low: number, high: number) => low + Math.floor(random() * (high - low)),
    describe: () => `${variable}=${seed} repeats this run`,
  };
}
