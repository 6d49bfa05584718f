/**
 * Lines that are not the script, per language: the built-in analyzer synthesizes them in the same voices as the
 * script and scores a take by how much better it matches the script than these. None of them is in the demo
 * catalog nor in bench/analyzer-dev (the evaluation stays held out).
 */
export const COHORT_LINES: Record<string, readonly string[]> = {
  en: [
    'Where did you put the keys to the car?',
    'The train leaves the station at half past seven.',
    'She opened the letter and began to cry.',
    'Nobody knows what happened on that night.',
    'Could you pass me the salt, please?',
    'We will meet again when the war is over.',
    'My father built this house with his own hands.',
    'Turn off the lights before you go to bed.',
    'I am not afraid of the dark anymore.',
    'The children were playing in the garden all afternoon.',
  ],
  ko: [
    '차 열쇠를 어디에 두었어요?',
    '기차는 일곱 시 반에 출발해요.',
    '그녀는 편지를 열고 울기 시작했어요.',
    '그날 밤에 무슨 일이 있었는지 아무도 몰라요.',
    '소금 좀 건네주시겠어요?',
    '전쟁이 끝나면 우리 다시 만나요.',
    '우리 아버지가 이 집을 직접 지으셨어요.',
    '자기 전에 불 좀 꺼 주세요.',
    '이제 어둠이 무섭지 않아요.',
    '아이들이 오후 내내 정원에서 놀았어요.',
  ],
};

/** eSpeak NG variants the references are spoken in: a male and a female voice, neither used by the demo catalog. */
export const REFERENCE_VOICES = ['m2', 'f4'] as const;

/** The cohort's language for a BCP 47 tag ('en-US' → 'en'), or undefined when there is none. */
export function cohortLanguage(language: string): string | undefined {
  const primary = language.trim().toLowerCase().split(/[-_]/)[0]!;
  return primary in COHORT_LINES ? primary : undefined;
}
