## Мониторинг: консультанты и администраторы платформы

command-overview = Мониторинг: муниципалитеты, конкурсы, заявки, доставка
command-digest = Когда получать еженедельную сводку мониторинга
role-consultant = консультант
mon-title = 📈 <b>Сводка мониторинга</b>
mon-not-allowed = Это только для консультантов и администраторов платформы. Администратор платформы может закрепить за вами муниципалитеты.
mon-place-figures = Подписчики: { $subscribers } · открытые конкурсы: { $open } из { $total } · бюджет открытых конкурсов: { $budget }
    Подано заявок: { $submissions }
mon-delivery = Доставка: отправлено { $sent }, заблокировали бота { $blocked }, ошибки { $failed }, в очереди { $waiting }
mon-no-calls = Опубликованных конкурсов пока нет.
mon-call-deadline = Срок: { $deadline } (время { $zone })
mon-call-budget = Бюджет: { $budget }
mon-call-submissions = Заявки: подано { $submissions }, черновиков или отозванных { $drafts }
mon-xlsx = 📊 XLSX
mon-xlsx-caption = Показатели мониторинга: муниципалитеты и конкурсы.
mon-digest = 🗓 Еженедельная сводка
mon-digest-current = Вы получаете сводку: { $day }, { $hour } (время { $zone }).
mon-digest-none = Вы не получаете еженедельную сводку.
mon-digest-ask-day = В какой день недели?
mon-digest-ask-hour = { $day }: в какое время?
mon-digest-off = 🔕 Без сводки
mon-digest-set = ✅ Сводка будет приходить: { $day }, { $hour } (время { $zone }).
mon-digest-turned-off = Еженедельная сводка отключена.
mon-digest-title = 🗓 <b>Еженедельная сводка</b>, { $day }
mon-sheet-municipalities = Муниципалитеты
mon-sheet-calls = Конкурсы
mon-col-municipality = Муниципалитет
mon-col-subscribers = Подписчики
mon-col-calls-open = Открытые конкурсы
mon-col-calls = Конкурсы
mon-col-budget-open = Бюджет открытых конкурсов (сом)
mon-col-submissions = Подано заявок
mon-col-sent = Отправлено сообщений
mon-col-blocked = Заблокировали бота
mon-col-failed = Ошибки
mon-col-call = № конкурса
mon-col-title = Название
mon-col-status = Статус
mon-col-deadline = Срок (местное время)
mon-col-budget = Бюджет (сом)
mon-col-drafts = Черновики или отозванные

## Журнал действий по конкурсу (/audit)

audit-usage = Отправьте /audit и номер конкурса, например /audit 12.
audit-not-found = Нет конкурса номер { $id }, журнал которого вам доступен.
audit-title = 🧾 <b>Журнал действий</b> · конкурс { $id }: { $title } · { $municipality } (время: { $zone })
audit-empty = Событий пока нет.
audit-system = бот
audit-actor = пользователь { $number } ({ $roles })
audit-more = ➡️ Дальше

## Показатели отбора в сводке

mon-place-selection = Допущено: { $admitted } · гранты: { $awards }, { $awarded } из бюджета { $budget }
mon-call-selection = Допущено: { $admitted } · гранты: { $awards }, { $awarded } из { $budget }
mon-col-admitted = Допущено
mon-col-awards = Гранты
mon-col-awarded = Присуждено (сом)

## Отчёты в обзоре

mon-reports = Отчёты: ожидаются { $due }, просрочены { $overdue }, на проверке { $filed }, приняты { $accepted }
mon-col-reports-due = Отчёты ожидаются
mon-col-reports-overdue = Отчёты просрочены
mon-col-reports-filed = Отчёты на проверке
mon-col-reports-accepted = Отчёты приняты
