## Main menu and commands added with the NCO features

menu-profile = 🏢 Моя организация
menu-subscriptions = 🔔 Подписки
command-profile = Профиль вашей организации
command-subscriptions = Муниципалитеты и темы, на которые вы подписаны
command-stop = Приостановить все уведомления
command-forget = Удалить ваши персональные данные
start-paused-note = ⏸ Ваши уведомления приостановлены. Возобновить их можно в /subscriptions.

## Dialogues

dialogue-back = ⬅️ Назад
dialogue-cancel = ✖️ Отмена
dialogue-skip = ⏭ Пропустить
dialogue-share-phone = 📱 Отправить мой номер
dialogue-resume = Продолжим с того места, где вы остановились, — прежние ответы сохранены.
dialogue-nothing-before = Это первый вопрос.

## Consent

consent-text =
    Прежде чем начать, нужно ваше согласие.

    Чтобы присылать вам конкурсы и принимать заявки, SSP Bot хранит: номер и имя вашего аккаунта Telegram (имя видят только другие члены вашей организации), выбранный язык, сведения об организации (название, организационно-правовая форма, ИНН, муниципалитет, телефон, e-mail, описание) и ваши подписки. Сотрудники мэрии видят сведения об организации, только когда вы подаёте заявку на их конкурс.

    Изменить сведения можно в /profile, удалить — в любой момент командой /forget. Вы согласны?
consent-yes = ✅ Согласен(на)
consent-no = ✖️ Нет, спасибо
consent-recorded = Спасибо, ваше согласие записано.
consent-declined = Понятно: ничего не сохранено. Справка доступна по команде /help, вернуться можно в любой момент.

## Organization profile

profile-step = Вопрос { $number } из { $total }
profile-ask-name = Полное название вашей организации, как при регистрации? ({ $minimum }–{ $maximum } символов)
profile-ask-legal_form = Какова её организационно-правовая форма?
profile-ask-inn = ИНН организации? В нём 14 цифр.
profile-ask-municipality = В каком муниципалитете она работает?
profile-ask-phone = Контактный телефон: нажмите кнопку ниже, чтобы отправить свой номер, или введите его, например +996 700 123 456.
profile-ask-email = Адрес e-mail (необязательно: нажмите «Пропустить», если его нет).
profile-ask-description = В нескольких предложениях: чем занимается ваша организация? ({ $minimum }–{ $maximum } символов)
legal-form-public_foundation = Общественный фонд
legal-form-public_union = Общественное объединение
legal-form-association = Ассоциация (союз) юридических лиц
legal-form-other = Другое
profile-field-name = Название
profile-field-legal_form = Форма
profile-field-inn = ИНН
profile-field-municipality = Муниципалитет
profile-field-phone = Телефон
profile-field-email = E-mail
profile-field-description = О работе
profile-line = <b>{ $field }:</b> { $value }
profile-none = —
profile-summary-title = Проверьте, пожалуйста, сведения об организации:
profile-save = ✅ Сохранить
profile-edit-button = ✏️ { $field }
profile-saved = Сохранено: профиль вашей организации готов.
profile-updated = Изменено.
profile-cancelled = Отменено. Ничего не сохранено.
profile-edit-cancelled = Отменено. Профиль не изменился.
profile-card-title = <b>Ваша организация</b>
profile-card-hint = Чтобы изменить сведения, нажмите соответствующую кнопку.

## Refusals: what is wrong with an answer

invalid-empty = Ответ пустой. Пожалуйста, напишите его.
invalid-no-letters = Пожалуйста, используйте буквы или цифры, а не только эмодзи или знаки.
invalid-too-short = Слишком коротко: нужно не меньше { $minimum } символов.
invalid-too-long = Слишком длинно: { $length } символов при ограничении { $maximum }.
invalid-inn-not-digits = ИНН должен состоять только из цифр, без букв и других знаков.
invalid-inn-length = В ИНН 14 цифр, а вы ввели { $count }.
invalid-inn-taken = Организация с таким ИНН уже зарегистрирована в SSP Bot. Если вы в ней работаете, обратитесь к коллеге, который её зарегистрировал; если это ошибка — свяжитесь с мэрией.
invalid-phone = Это не похоже на номер телефона. Введите его с кодом страны, например +996 700 123 456, или нажмите кнопку, чтобы отправить свой.
invalid-email = Это не похоже на адрес e-mail (например, info@example.kg). Нажмите «Пропустить», если его нет.
invalid-need-text = Пожалуйста, ответьте текстовым сообщением.
invalid-use-buttons = Пожалуйста, выберите одну из кнопок.
invalid-required = Этот вопрос нельзя пропустить.

## Subscriptions

subs-title = <b>Ваши подписки</b>
subs-none = Вы пока не подписаны ни на один муниципалитет.
subs-all-topics = все темы
subs-line = • { $municipality }: { $topics }
subs-paused = ⏸ Уведомления приостановлены.
subs-hint = Нажмите на муниципалитет, чтобы выбрать темы.
subs-pause = ⏸ Приостановить всё
subs-resume = ▶️ Возобновить
subs-done = ✔️ Готово
subs-back = ⬅️ Назад
subs-municipality-title = <b>{ $municipality }</b>: какие темы вам интересны?
subs-all-topics-button = Все темы
subs-open-calls = { $count ->
        [one] Уже открыт { $count } подходящий конкурс:
        [few] Уже открыты { $count } подходящих конкурса:
       *[other] Уже открыто { $count } подходящих конкурсов:
    }
subs-saved = Сохранено.
subs-subscribed = Вы подписаны на «{ $municipality }» (все темы). Новые конкурсы будут приходить сюда.

## Deep links

link-unknown = Эта ссылка недействительна или устарела, поэтому начнём сначала.
link-call-missing = Этот конкурс не найден: возможно, его отозвали.
municipality-card =
    <b>{ $municipality }</b>
    Приоритетные проблемы, которые решаются через социальный заказ:
    { $topics }
municipality-subscribe = 🔔 Подписаться на все темы
municipality-choose-topics = Выбрать темы

## Leaving

stop-done = Приостановлено: конкурсы и напоминания приходить не будут. Возобновить можно в любой момент в /subscriptions.
forget-confirm =
    Удалить ваши персональные данные?

    Будут удалены: ваша учётная запись в SSP Bot, согласие, подписки и профиль организации (если от её имени не действует ещё и коллега).
    Сохранятся: заявки и отчёты, уже поданные в мэрию, — мэрия хранит их в своих документах, как требует закон о государственном социальном заказе.
forget-yes = 🗑 Да, удалить
forget-no = Оставить мои данные
forget-done = Ваши персональные данные удалены. Отправьте /start, если захотите вернуться.
forget-kept = Ничего не удалено.
