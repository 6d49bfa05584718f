export const SCORE_NAMES = ['overall', 'timing', 'pronunciation', 'intonation', 'fluency', 'completeness'] as const;
export type ScoreName = (typeof SCORE_NAMES)[number];
export type Scores = Record<ScoreName, number | null>;

/** The scores of a result, each an integer 0-100 or null when the engine did not report it. */
export function scoresOf(result: Record<string, unknown>): Scores {
  return Object.fromEntries(
    SCORE_NAMES.map((name) => {
      const value = result[name];
      return [name, typeof value === 'number' && Number.isFinite(value) ? Math.round(Math.min(100, Math.max(0, value))) : null];
    }),
  ) as Scores;
}
