import type { trace as en } from '../en/trace';

/** Українські повідомлення трасування повідомлень (issue 17): check --trace, run --trace, команда trace, клавіша в watch. */
export const trace: Record<keyof typeof en, string> = {
  'trace.suite': 'перевірки',
  'trace.you': 'ви',
  'trace.runShow': 'Переглянути: `{cli} trace` (або `{cli} trace --html` — як сторінку).',
  'trace.offer': 'Щоб побачити повідомлення цієї перевірки на діаграмі: `{cli} check {id} --trace`',
  'trace.failingTest': 'Повідомлення під час тесту, що не пройшов, «{name}»:',
  'trace.wholeCheck': 'Усі повідомлення перевірки:',
  'trace.ofTest': 'Повідомлення під час тесту «{name}»:',
  'trace.htmlHint': 'Та сама діаграма вебсторінкою, де кожне повідомлення відкривається повністю: `{cli} trace --html`',
  'trace.otherTests': 'Інший тест: `{cli} trace --test <назва або номер>`; усе разом: `{cli} trace --all`',
  'trace.saved': 'Трасу збережено у {file}',
  'trace.none': 'У цій робочій теці ще не записано жодної траси.',
  'trace.noneHint': 'Запишіть її командою `{cli} check --trace` або `{cli} run --trace`.',
  'trace.notFound': 'Траси «{id}» у {dir} немає.',
  'trace.notFoundHint': 'Збережені траси: {ids}',
  'trace.unreadable': 'Не вдається прочитати трасу {file}: {reason}',
  'trace.htmlWritten': 'Сторінку записано у {file}: відкрийте її в браузері (мережа не потрібна).',
  'trace.recording': 'Записую повідомлення між вашими сервісами; натисніть Ctrl-C, щоб зупинити й зберегти трасу.',
  'trace.watchOn': 'Наступні перевірки записуватимуть повідомлення (t показує останню трасу).',
  'trace.watchNone': 'Запис увімкнено: наступна перевірка запише свої повідомлення (збережіть файл або натисніть c).',
  'help.check.trace': 'записати повідомлення між перевірками та вашими сервісами й показати їх діаграмою послідовності',
  'help.run.trace': 'записувати повідомлення між вашими сервісами до Ctrl-C і зберегти їх як трасу',
  'help.trace': 'показати повідомлення останньої перевірки чи запуску з трасуванням як діаграму послідовності',
  'help.trace.html': 'записати діаграму як самодостатню вебсторінку (типово: .learn-nest-micro/traces/<id>.html) і вивести її шлях',
  'help.trace.test': 'лише повідомлення під час цього тесту (його назва, частина назви або номер)',
  'help.trace.all': 'усі повідомлення траси, а не лише ті, що стосуються тесту, який не пройшов',
  'help.trace.after':
    '\nТраси зберігаються в .learn-nest-micro/traces/ (last.json — найновіша).\n\nПриклади:\n  $ learn-nest-micro check send-vs-emit --trace\n  $ learn-nest-micro trace --test 3\n  $ learn-nest-micro trace --html',
};
