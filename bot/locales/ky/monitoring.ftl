## Мониторинг: консультанттар жана платформанын администраторлору

command-overview = Мониторинг: муниципалитеттер, сынактар, арыздар, жеткирүү
command-digest = Жумалык мониторинг жыйынтыгын качан алуу
role-consultant = консультант
mon-title = 📈 <b>Мониторингдин жыйынтыгы</b>
mon-not-allowed = Бул консультанттар жана платформанын администраторлору үчүн гана. Платформанын администратору сизге муниципалитеттерди бекитип бере алат.
mon-place-figures = Жазылуучулар: { $subscribers } · ачык сынактар: { $total } ичинен { $open } · ачык сынактардын бюджети: { $budget }
    Берилген арыздар: { $submissions }
mon-delivery = Жеткирүү: жөнөтүлдү { $sent }, ботту бөгөттөгөндөр { $blocked }, ката { $failed }, кезекте { $waiting }
mon-no-calls = Жарыяланган сынактар азырынча жок.
mon-call-deadline = Мөөнөтү: { $deadline } ({ $zone } убактысы)
mon-call-budget = Бюджети: { $budget }
mon-call-submissions = Арыздар: берилди { $submissions }, долбоор же кайтарылып алынган { $drafts }
mon-xlsx = 📊 XLSX
mon-xlsx-caption = Мониторингдин көрсөткүчтөрү: муниципалитеттер жана сынактар.
mon-digest = 🗓 Жумалык жыйынтык
mon-digest-current = Сиз жыйынтыкты аласыз: { $day }, { $hour } ({ $zone } убактысы).
mon-digest-none = Сиз жумалык жыйынтыкты албайсыз.
mon-digest-ask-day = Жуманын кайсы күнү?
mon-digest-ask-hour = { $day }: саат канчада?
mon-digest-off = 🔕 Жыйынтыксыз
mon-digest-set = ✅ Жыйынтык келет: { $day }, { $hour } ({ $zone } убактысы).
mon-digest-turned-off = Жумалык жыйынтык өчүрүлдү.
mon-digest-title = 🗓 <b>Жумалык жыйынтык</b>, { $day }
mon-sheet-municipalities = Муниципалитеттер
mon-sheet-calls = Сынактар
mon-col-municipality = Муниципалитет
mon-col-subscribers = Жазылуучулар
mon-col-calls-open = Ачык сынактар
mon-col-calls = Сынактар
mon-col-budget-open = Ачык сынактардын бюджети (сом)
mon-col-submissions = Берилген арыздар
mon-col-sent = Жөнөтүлгөн билдирүүлөр
mon-col-blocked = Ботту бөгөттөгөндөр
mon-col-failed = Ката
mon-col-call = Сынактын №
mon-col-title = Аталышы
mon-col-status = Абалы
mon-col-deadline = Мөөнөтү (жергиликтүү убакыт)
mon-col-budget = Бюджети (сом)
mon-col-drafts = Долбоорлор же кайтарылып алынгандар

## Сынак боюнча аракеттердин журналы (/audit)

audit-usage = /audit жана сынактын номерин жөнөтүңүз, мисалы /audit 12.
audit-not-found = Журналын көрүүгө уруксатыңыз бар { $id } номерлүү сынак жок.
audit-title = 🧾 <b>Аракеттердин журналы</b> · сынак { $id }: { $title } · { $municipality } (убакыт: { $zone })
audit-empty = Азырынча окуялар жок.
audit-system = бот
audit-actor = колдонуучу { $number } ({ $roles })
audit-more = ➡️ Дагы

## Жыйынтыктагы тандоонун көрсөткүчтөрү

mon-place-selection = Кабыл алынды: { $admitted } · гранттар: { $awards }, { $budget } бюджеттин { $awarded }
mon-call-selection = Кабыл алынды: { $admitted } · гранттар: { $awards }, { $budget } ичинен { $awarded }
mon-col-admitted = Кабыл алынгандар
mon-col-awards = Гранттар
mon-col-awarded = Берилген сумма (сом)

## Сереп берүүдөгү отчёттор

mon-reports = Отчёттор: күтүлүүдө { $due }, мөөнөтү өтүп кеткен { $overdue }, текшерүүдө { $filed }, кабыл алынган { $accepted }
mon-col-reports-due = Күтүлгөн отчёттор
mon-col-reports-overdue = Мөөнөтү өткөн отчёттор
mon-col-reports-filed = Текшерүүдөгү отчёттор
mon-col-reports-accepted = Кабыл алынган отчёттор
