import type { traceView as en } from '../en/trace-view';

/** Українські тексти картинок трас повідомлень: діаграми послідовності в терміналі та HTML-сторінки. */
export const traceView: Record<keyof typeof en, string> = {
  'traceView.status.pass': 'пройдено',
  'traceView.status.fail': 'не пройдено',
  'traceView.status.skip': 'пропущено',
  'traceView.messages': '{count, plural, one {# повідомлення} few {# повідомлення} many {# повідомлень} other {# повідомлення}}',
  'traceView.test': 'тест {number} з {count}: {name}',
  'traceView.legend': '─▶ запит  ┄▶ відповідь  ─▷ подія (без відповіді)  ✓ ack  ✗ nack, помилка  ↺ requeue, повторна доставка  ⊘ dead-letter',
  'traceView.noSuchTest': 'У цій трасі немає тесту «{test}». Назвіть тест номером або частиною назви: {tests}',
  'traceView.noMessages': 'під час цього тесту не записано жодного повідомлення',
  'traceView.gap': '⋮ пропущено {count, plural, one {# повідомлення} few {# повідомлення} many {# повідомлень} other {# повідомлення}} ⋮',
  'traceView.leftOut': 'Посередині пропущено {count, plural, one {# повідомлення} few {# повідомлення} many {# повідомлень} other {# повідомлення}}: усі показує `{cli} trace --all`, а `{cli} trace --html` малює їх на сторінці.',
  'traceView.dropped': 'Запис дійшов до своєї межі й далі повідомлень не зберігав: не записано ще {count, plural, one {# повідомлення} few {# повідомлення} many {# повідомлень} other {# повідомлення}}.',

  'traceView.html.title': 'Повідомлення вправи {exercise}',
  'traceView.html.summary': '{source, select, run {Запуск} other {Перевірка}} вправи {exercise}, початок {startedAt}: {count, plural, one {# повідомлення} few {# повідомлення} many {# повідомлень} other {# повідомлення}}.',
  'traceView.html.tests': 'Тести',
  'traceView.html.all': 'Усі повідомлення',
  'traceView.html.pick': 'Клацніть стрілку, щоб побачити повідомлення повністю.',
  'traceView.html.none': 'Під час цього тесту не записано жодного повідомлення.',
  'traceView.html.kind': 'Вид',
  'traceView.html.route': 'Звідки → куди',
  'traceView.html.transport': 'Транспорт',
  'traceView.html.pattern': 'Шаблон, тема чи черга',
  'traceView.html.time': 'Час',
  'traceView.html.duration': 'Тривалість',
  'traceView.html.replyTo': 'Відповідь на повідомлення',
  'traceView.html.detail': 'Подробиці',
  'traceView.html.payload': 'Дані (payload)',
  'traceView.html.noPayload': '(без даних)',
  'traceView.html.dropped': 'Ще {count, plural, one {# повідомлення не записано} few {# повідомлення не записано} many {# повідомлень не записано} other {# повідомлення не записано}} (запис зберігає щонайбільше 5000).',
} as const;
