## Напоминания (bot/reminders.py, handlers/reminders.py) и календари (handlers/calendar.py)

reminder-left-days = { $count ->
        [one] { $count } день
        [few] { $count } дня
       *[other] { $count } дней
    }
reminder-left-hours = { $count ->
        [one] { $count } час
        [few] { $count } часа
       *[other] { $count } часов
    }
reminder-draft = ⏰ <b>Осталось { $left }</b>, чтобы подать заявку на конкурс «{ $title }»: срок — { $when } ({ $zone }).
reminder-subscriber = ⏰ Приём заявок на конкурс «{ $title }» закрывается через <b>{ $left }</b> ({ $when }, { $zone }). Вы ещё не начали заявку.
reminder-missing = Ещё не хватает:
    { $items }
reminder-missing-eligibility = ответов на вопросы о соответствии
reminder-continue = 📝 Продолжить заявку
reminder-open = 📄 Открыть конкурс
reminder-mute = 🔕 Больше не напоминать об этом конкурсе
reminder-muted = 🔕 Напоминаний о конкурсе «{ $title }» больше не будет.
reminder-mute-refused = Эта кнопка не для вас или устарела: ничего не изменено.
reminder-rules-invalid = Правила напоминаний заданы неверно ({ $field }).
reminder-sheet = ⏰ Приём заявок на конкурс «{ $title }» закрылся { $when } ({ $zone }), а ваш оценочный лист ещё не сдан. Оценено заявок: <b>{ $done } из { $total }</b>. Пожалуйста, завершите оценку и сдайте лист.
reminder-sheet-open = 📝 Открыть мой оценочный лист
calendar-button = 📅 Добавить срок в календарь
calendar-caption = 📅 Откройте файл, чтобы добавить «{ $title }» в календарь телефона ({ $when }, { $zone }).
calendar-all-caption = 📅 Ваши ближайшие даты ({ $count }): откройте файл, чтобы добавить их в календарь телефона.
calendar-none = Ближайших дат нет: здесь появляются сроки конкурсов, на которые вы подаёте заявку или подписаны.
calendar-event-deadline = Срок: { $title }
calendar-event-description = Срок подачи заявок на конкурс «{ $title }» ({ $municipality }).
calendar-alarm = До срока подачи заявок на «{ $title }» остался 1 день.
reminder-report-due = ⏰ <b>Осталось { $left }</b>, чтобы сдать { $report } по конкурсу «{ $title }»: срок — { $when } ({ $zone }).
reminder-report-overdue = ⚠️ Срок сдачи отчёта «{ $report }» по конкурсу «{ $title }» истёк { $when } ({ $zone }), { $days ->
        [one] { $days } день
        [few] { $days } дня
       *[other] { $days } дней
    } назад. Пожалуйста, сдайте его как можно скорее.
reminder-report-changes = Мэрия просила доработать отчёт: исправьте его и отправьте снова.
reminder-escalation = ⚠️ <b>Просроченные отчёты</b> по конкурсу «{ $title }»:
    { $items }
reminder-escalation-line = • { $organization } · { $report } · срок был { $when } ({ $days ->
        [one] { $days } день назад
        [few] { $days } дня назад
       *[other] { $days } дней назад
    })
calendar-event-report = Срок отчёта: { $report } — { $title }
calendar-event-report-description = { $report } по конкурсу «{ $title }» ({ $municipality }).
calendar-alarm-report = Через 1 день срок сдачи: { $report } по конкурсу «{ $title }».
calendar-report-caption = 📅 Откройте файл, чтобы добавить срок отчёта «{ $report }» по конкурсу «{ $title }» в календарь телефона ({ $when }, { $zone }).
