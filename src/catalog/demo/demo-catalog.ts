/**
 * The demo catalog a fresh install starts with: invented films, invented actors and original lines, spoken by
 * the built-in synthesiser. Every token is tagged `synthetic` so nobody mistakes it for the real thing.
 */
export interface DemoToken {
  title: string;
  actor: string;
  url: string;
  language: 'ko' | 'en';
  /** eSpeak NG voice variant. */
  voice: string;
  /** Where the line sits in the (imaginary) source video, seconds. */
  startTime: number;
  sentences: string[];
}

export const DEMO_TAGS = ['synthetic', 'demo'];

export const DEMO_ACTORS = [
  { name: '김하늘', aliases: ['Kim Haneul', 'Haneul Kim'] },
  { name: '박준호', aliases: ['Park Junho', 'Junho Park'] },
  { name: 'Emma Clarke', aliases: ['엠마 클라크'] },
  { name: 'James Whitfield', aliases: ['제임스 휫필드', 'Jim Whitfield'] },
];

export const DEMO_URLS = [
  { url: 'https://www.youtube.com/watch?v=ysdemoSeoul', title: '서울의 밤 (demo trailer)' },
  { url: 'https://www.youtube.com/watch?v=ysdemoHarbr', title: 'Harbour Lights (demo trailer)' },
  { url: 'https://www.youtube.com/watch?v=ysdemoSpring', title: '봄날의 약속 (demo trailer)' },
  { url: 'https://www.youtube.com/watch?v=ysdemoRoadH', title: 'The Long Road Home (demo trailer)' },
];

export const DEMO_TOKENS: DemoToken[] = [
  { title: '서울의 밤', actor: '김하늘', url: DEMO_URLS[0]!.url, language: 'ko', voice: 'f3', startTime: 12.4, sentences: ['오늘 날씨가 정말 좋네요.', '우리 같이 산책 갈까요?'] },
  { title: '서울의 밤', actor: '박준호', url: DEMO_URLS[0]!.url, language: 'ko', voice: 'm3', startTime: 47.9, sentences: ['그 약속은 꼭 지킬게요.'] },
  { title: '서울의 밤', actor: '김하늘', url: DEMO_URLS[0]!.url, language: 'ko', voice: 'f3', startTime: 95.2, sentences: ['지금 이 순간을 잊지 마세요.'] },
  { title: '봄날의 약속', actor: '박준호', url: DEMO_URLS[2]!.url, language: 'ko', voice: 'm3', startTime: 8.0, sentences: ['배가 너무 고파요.', '밥 먹으러 가요.'] },
  { title: '봄날의 약속', actor: '김하늘', url: DEMO_URLS[2]!.url, language: 'ko', voice: 'f3', startTime: 33.5, sentences: ['괜찮아요, 다 잘 될 거예요.'] },
  { title: '봄날의 약속', actor: '박준호', url: DEMO_URLS[2]!.url, language: 'ko', voice: 'm3', startTime: 61.0, sentences: ['내일 아침에 다시 만나요.'] },
  { title: 'Harbour Lights', actor: 'Emma Clarke', url: DEMO_URLS[1]!.url, language: 'en', voice: 'f2', startTime: 15.3, sentences: ['I never thought I would see you again.'] },
  { title: 'Harbour Lights', actor: 'James Whitfield', url: DEMO_URLS[1]!.url, language: 'en', voice: 'm1', startTime: 42.0, sentences: ['We have exactly ten minutes to get out of here.'] },
  { title: 'Harbour Lights', actor: 'Emma Clarke', url: DEMO_URLS[1]!.url, language: 'en', voice: 'f2', startTime: 77.7, sentences: ['Tell me the truth.', 'And I will help you.'] },
  { title: 'Harbour Lights', actor: 'James Whitfield', url: DEMO_URLS[1]!.url, language: 'en', voice: 'm1', startTime: 103.1, sentences: ['This city never sleeps, and neither do I.'] },
  { title: 'The Long Road Home', actor: 'Emma Clarke', url: DEMO_URLS[3]!.url, language: 'en', voice: 'f2', startTime: 5.5, sentences: ['Sometimes the bravest thing is to stay.'] },
  { title: 'The Long Road Home', actor: 'James Whitfield', url: DEMO_URLS[3]!.url, language: 'en', voice: 'm1', startTime: 58.2, sentences: ['Follow me.', 'And do not look back.'] },
];
