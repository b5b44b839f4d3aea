## Staff: roles, invitations, the staff home

command-staff = Сотрудникам мэрии: ваши конкурсы и инструменты
command-newcall = Создать конкурс
command-calls = Конкурсы вашего муниципалитета
command-submissions = Заявки на конкурсы вашего муниципалитета
command-invite = Пригласить сотрудников или членов комиссии
role-municipal_admin = администратор муниципалитета
role-staff = сотрудник
role-commission = член конкурсной комиссии
staff-not-allowed = Это только для сотрудников мэрии. Если вы работаете в мэрии, попросите у её администратора ссылку-приглашение.
staff-home = <b>Сотрудникам мэрии</b>: выберите действие.
staff-calls = 📋 Конкурсы: { $municipality }
staff-new-call = ➕ Новый конкурс
staff-announce = 📣 Объявление
staff-invite = 👥 Пригласить
staff-choose-municipality = Для какого муниципалитета?
staff-no-calls = У муниципалитета «{ $municipality }» пока нет конкурсов. Создайте первый командой /newcall.
staff-calls-title = <b>{ $municipality }</b>: конкурсы
staff-call-status = Статус: { $status } · версия { $version }
staff-continue-draft = ✏️ Продолжить черновик
staff-move-deadline = ⏰ Перенести срок
staff-share = 🔗 Ссылка и QR-код
staff-cancel-call = ❌ Отменить конкурс
staff-share-text = Ссылка на конкурс для пресс-релиза или публикации: { $link }
    QR-код ниже открывает ту же ссылку — его можно напечатать на плакате.
status-draft = 📝 Черновик
status-published = 🟢 Открыт
status-closed = 🔒 Закрыт
status-decided = 🏁 Решение принято
status-cancelled = ❌ Отменён
invite-invalid = Эта ссылка-приглашение недействительна: ею уже воспользовались или срок её действия истёк. Попросите новую.
invite-accepted = Добро пожаловать! Теперь ваша роль — { $role }, муниципалитет «{ $municipality }».
invite-choose-municipality = В какой муниципалитет пригласить?
invite-choose-role = { $municipality }: какая роль будет у нового человека?
invite-created = Приглашение: { $role }, муниципалитет «{ $municipality }». Отправьте ссылку только этому человеку; она действует один раз в течение 7 дней:
    { $link }

## Broadcasts

broadcast-counts = Доставка: отправлено { $sent }, ожидают { $queued }, отправляются { $sending }, не удалось { $failed }, заблокировали бота { $blocked } (из { $total }).
broadcast-final = ✅ { $kind }: отправлено { $sent }, не удалось { $failed }, заблокировали бота { $blocked } (из { $total }).
broadcast-kind-call = Рассылка конкурса завершена
broadcast-kind-amendment = Рассылка изменения завершена
broadcast-kind-cancellation = Рассылка об отмене завершена
broadcast-kind-announcement = Рассылка объявления завершена
broadcast-refresh = 🔄 Обновить
money = { $amount } сом
announcement-message = 📣 <b>{ $municipality }</b>
    { $text }
amendment-deadline = ⏰ <b>{ $title }</b>: срок подачи заявок перенесён с { $old } на <b>{ $new }</b> (время { $zone }).
amendment-cancelled = ❌ Конкурс <b>{ $title }</b> отменён мэрией. Причина: { $reason }

## The competition card

card-cancelled = ❌ <b>Отменён</b>
card-budget = 💰 Бюджет: { $total }
card-per-project = До { $maximum } на проект; будет профинансировано { $count ->
        [one] { $count } проект
        [few] { $count } проекта
       *[other] { $count } проектов
    }.
card-deadline = ⏰ Приём заявок до: <b>{ $when }</b> (время { $zone })
card-period = 📅 Реализация: { $start } – { $end }
card-eligibility = <b>Кто может участвовать</b> (на каждый вопрос нужен ответ «да»):
card-documents = <b>Документы</b>:
card-criteria = <b>Как оцениваются заявки</b>:
card-reporting-monthly = 🗓 Отчёты ежемесячно: { $dates }
card-reporting-quarterly = 🗓 Отчёты ежеквартально: { $dates }
card-reporting-dates = 🗓 Сроки отчётов: { $dates }
card-reporting-final = 🗓 Итоговый отчёт до { $date } (через { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[other] { $days } дней
 } после окончания проекта)
card-amended = ✏️ Версия { $version }: срок перенесён с { $old } на { $new }.

## Templates that follow social-procurement practice

elig-registered_nco = Организация — некоммерческая, зарегистрирована в Кыргызской Республике
elig-charter_matches = Устав организации предусматривает работу по этой теме
elig-no_tax_arrears = У организации нет задолженности по налогам
elig-no_social_fund_arrears = У организации нет задолженности перед Социальным фондом
elig-experience_year = У организации не меньше года опыта в этой сфере
elig-reason-registered_nco = По Закону о государственном социальном заказе участвовать могут только зарегистрированные некоммерческие организации.
elig-reason-charter_matches = Устав должен предусматривать работу по теме конкурса.
elig-reason-no_tax_arrears = Организации с налоговой задолженностью не могут получать средства социального заказа.
elig-reason-no_social_fund_arrears = Организации с задолженностью перед Социальным фондом не могут получать средства социального заказа.
elig-reason-experience_year = Для этого конкурса нужен опыт работы в сфере не меньше года.
elig-reason-custom = Для этого конкурса на этот вопрос нужен ответ «да».
doc-application_form = Заявка по форме
doc-project_proposal = Проектное предложение
doc-budget = Бюджет проекта
doc-registration_certificate = Свидетельство о государственной регистрации
doc-charter = Устав
doc-support_letters = Письма поддержки
crit-relevance = Соответствие проблеме
crit-approach = Подход и мероприятия
crit-capacity = Потенциал и опыт организации
crit-budget_quality = Обоснованный и реалистичный бюджет
crit-sustainability = Устойчивость результатов

## The competition wizard

wz-step = Шаг { $number } из { $total }
wz-ask-title = Название конкурса на языке «{ $language }» ({ $minimum }–{ $maximum } символов):
wz-ask-description = Опишите конкурс на языке «{ $language }»: проблема, чего ждёт мэрия, для кого ({ $minimum }–{ $maximum } символов).
wz-ask-translations = Тексты конкурса есть на языках, отмеченных в карточке. Добавьте перевод или продолжайте.
wz-ask-tr_title = Название на языке «{ $language }»:
wz-ask-tr_description = Описание на языке «{ $language }»:
wz-ask-topic = Какую приоритетную проблему решает конкурс?
wz-ask-budget_total = Общий бюджет конкурса в сомах (например, 400 000):
wz-ask-max_per_project = Сколько максимум может получить один проект, в сомах (не больше { $total }):
wz-ask-projects_count = Сколько проектов будет профинансировано?
wz-ask-deadline = Срок подачи заявок: нажмите кнопку или введите дату и время по местному времени, например 25.12.2026 18:00 (без времени — 18:00).
wz-ask-period = Период реализации, например 01.02.2027 - 31.12.2027:
wz-ask-eligibility = Кто может участвовать? Отметьте условия; заявитель, ответивший «нет» хотя бы на одно, не сможет подать заявку и узнает причину.
wz-ask-documents = Какие документы должны приложить заявители?
wz-ask-criteria = Как комиссия будет оценивать заявки? Отметьте критерии; числа — их вес.
wz-ask-reporting = Как часто профинансированные организации сдают отчёты?
wz-ask-report_dates = Введите сроки отчётов, например 30.06.2027, 31.12.2027:
wz-ask-final_days = И итоговый отчёт за весь проект: через сколько дней после окончания срока реализации его нужно сдать?
wz-final-days = { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[other] { $days } дней
 }
wz-invalid-final-days = Отправьте целое число дней от 0 до { $maximum }.
wz-ask-new-deadline = Новый срок подачи заявок: нажмите кнопку или введите дату и время, например 25.12.2026 18:00.
wz-ask-cancel-reason = Почему конкурс отменяется? Эту причину увидят все, кто его получил.
wz-ask-announcement = Введите объявление для подписчиков «{ $municipality }» (например, информационная встреча для НКО — с датой и местом):
wz-ask-announcement-short = Введите объявление:
wz-type-custom-eligibility = Чтобы добавить своё условие (вопрос «да/нет»), напишите его.
wz-type-custom-documents = Чтобы добавить другой документ, напишите его название.
wz-type-custom-criteria = Чтобы добавить свой критерий, напишите его с весом, например «Привлечение волонтёров: 10».
wz-or-type = …или введите вручную.
wz-in-days = через { $days } дн.
wz-add-language = ➕ { $language }
wz-continue = Продолжить ▶️
wz-done = Готово ▶️
wz-reporting-monthly = Ежемесячно
wz-reporting-quarterly = Ежеквартально
wz-reporting-dates = В указанные даты
wz-criteria-needed = Выберите хотя бы один критерий.
wz-documents-needed = Выберите хотя бы один документ.
wz-budget-first = Сначала укажите общий бюджет.
wz-deadline-first = Сначала укажите срок подачи заявок.
wz-period-first = Сначала укажите период реализации.
wz-preview-note = ☝️ Так карточку увидят НКО на языке «{ $language }». Черновик сохранён.
wz-preview-missing = Перед публикацией нужно заполнить: { $fields }.
wz-publish = 🚀 Опубликовать и разослать подписчикам
wz-edit = ✏️ { $field }
wz-save-exit = 💾 Сохранить черновик и выйти
wz-draft-kept = Черновик сохранён. Продолжить можно в любое время через /calls.
wz-cancelled = Отменено. Ничего не отправлено.
wz-published = 🚀 Опубликовано. Конкурс рассылается подписчикам.
wz-deadline-moved = Срок перенесён (версия { $version }); всем, кто получил конкурс, отправляется уведомление.
wz-call-cancelled = Конкурс отменён; всем, кто его получил, отправляется уведомление.
wz-announcement-preview = Так будет выглядеть объявление:
wz-send = 📣 Отправить
wz-announcement-sent = Объявление рассылается.
wz-field-title = Название
wz-field-description = Описание
wz-field-translations = Переводы
wz-field-topic = Тема
wz-field-budget_total = Бюджет
wz-field-max_per_project = Максимум на проект
wz-field-projects_count = Число проектов
wz-field-deadline = Срок подачи
wz-field-deadline_at = Срок подачи
wz-field-period = Период реализации
wz-field-eligibility = Условия
wz-field-documents = Документы
wz-field-criteria = Критерии
wz-field-reporting = Отчётность

## Refusals in the wizard

invalid-amount = Введите сумму в сомах числом, например 400 000.
invalid-amount-negative = Сумма должна быть больше нуля.
invalid-amount-too-large = Это больше { $maximum } сомов — проверьте, пожалуйста, число.
invalid-max-above-total = Максимум на проект не может превышать общий бюджет ({ $total } сом).
invalid-count = Введите целое число, например 2.
invalid-count-range = Число проектов должно быть от 1 до { $maximum }.
invalid-date = Введите дату в виде 25.12.2026 (день.месяц.год).
invalid-time = Введите время в виде 18:00.
invalid-date-past = Этот момент уже прошёл. Укажите дату в будущем.
invalid-period = Введите две даты — начало и конец, например 01.02.2027 - 31.12.2027.
invalid-period-order = Конец периода должен быть позже его начала.
invalid-period-before-deadline = Реализация не может начаться раньше окончания приёма заявок.
invalid-report-dates-outside = Сроки отчётов должны быть в пределах периода реализации.
invalid-criterion = Введите критерий и его вес от 1 до 100, например «Привлечение волонтёров: 10».
publish-not-draft = Этот конкурс уже опубликован.
publish-missing = Конкурс пока нельзя опубликовать; не заполнено: { $fields }.
amend-not-published = Изменить можно только открытый конкурс.
cancel-not-open = Этот конкурс уже нельзя отменить.
