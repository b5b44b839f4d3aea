## Опросы о приоритетах

command-poll = Спросить жителей и НКО, какие проблемы важнее
command-polls = Опросы и их результаты
poll-none = Опросов пока нет. Начните с /poll.
poll-list-title = <b>Опросы</b>: выберите опрос, чтобы увидеть результаты.
poll-state-open = 🟢
poll-state-closed = 🔒
poll-ask-question = <b>Новый опрос: { $municipality }</b>
    Напишите вопрос, например: «Какие проблемы город должен финансировать в первую очередь в следующем году?»
poll-ask-options = Отметьте темы для опроса. Чтобы добавить проблему, которой ещё нет среди тем, напишите её сообщением. Затем нажмите «Далее».
poll-new-options = Новые проблемы: { $options }
poll-options-done = ➡️ Далее
poll-ask-kind = Как отвечать?
poll-kind-choose = ☑️ Выбрать несколько
poll-kind-rank = 🔢 Расставить по важности
poll-ask-closes = Когда опрос закрывается? Напишите дату (и время), например 25.12.2026 18:00, по времени муниципалитета, или выберите:
poll-preview = <b>Предпросмотр опроса</b> · { $municipality }
    { $question }
    Как: { $kind }
    { $options }
    Закрывается: { $closes } (время { $zone })
poll-use-buttons = Пожалуйста, воспользуйтесь кнопками выше.
poll-started = ✅ Опрос отправляется подписчикам муниципалитета. Результаты ниже; нажмите «Обновить», чтобы увидеть новые.
poll-csv = 📄 CSV
poll-close-now = 🔒 Закрыть сейчас и опубликовать результаты
poll-make-topic = ➕ Сделать «{ $option }» темой
poll-csv-caption = Результаты: { $question }
poll-csv-col-position = Место
poll-csv-col-option = Вариант
poll-csv-col-topic-id = Код темы
poll-csv-col-count = Ответов
poll-csv-col-share = Доля участников
poll-csv-col-participants = Участников
poll-csv-col-kind = Вид опроса
poll-topic-created = ✅ «{ $topic }» теперь тема муниципалитета: по ней можно объявлять конкурсы и на неё можно подписаться.
poll-closed = Опрос закрыт, ответы больше не принимаются.
poll-closed-now = Опрос закрыт; результаты отправляются участникам.
poll-already-answered = Вы уже ответили на этот опрос. Каждый отвечает один раз, засчитывается первый отправленный ответ.
poll-choose-first = Сначала выберите хотя бы один вариант.
poll-thanks-choose = ✅ Спасибо! Ваш ответ учтён:
    { $choices }
poll-thanks-rank = ✅ Спасибо! Ваш порядок учтён:
    { $choices }
poll-message-choose = 🗳 <b>{ $municipality } спрашивает</b>
    { $question }
    Отметьте все важные для вас проблемы и нажмите «Отправить ответ». Открыт до { $closes } (время { $zone }).
poll-message-rank = 🗳 <b>{ $municipality } спрашивает</b>
    { $question }
    Нажимайте на проблемы по порядку важности, самую важную первой (повторное нажатие убирает), затем «Отправить ответ». Открыт до { $closes } (время { $zone }).
poll-send-answer = 📨 Отправить ответ
poll-results-final = 📊 <b>Результаты опроса</b> · { $municipality }
    { $question }
    { $participants ->
        [one] { $participants } участник
        [few] { $participants } участника
       *[other] { $participants } участников
    }
poll-results-live = 📊 <b>Результаты сейчас</b> · { $municipality }
    { $question }
    { $participants ->
        [one] пока { $participants } участник
        [few] пока { $participants } участника
       *[other] пока { $participants } участников
    }
poll-result-line-choose = { $position }. { $option }: { $count ->
        [one] { $count } голос
        [few] { $count } голоса
       *[other] { $count } голосов
    } ({ $share })
poll-result-line-rank = { $position }. { $option }: { $count ->
        [one] { $count } балл
        [few] { $count } балла
       *[other] { $count } баллов
    } ({ $share })
poll-status-open = Открыт до { $closes } (время { $zone }).
poll-status-closed = Закрыт; результаты отправлены участникам.
poll-invalid-duplicate-option = Эта проблема уже есть в опросе.
poll-invalid-too-few-options = В опросе нужно не меньше { $minimum } вариантов.
poll-invalid-too-many-options = В опросе может быть не больше { $maximum } вариантов.
poll-invalid-kind = Выберите способ ответа кнопками.
poll-invalid-topic = В опросе могут быть только темы этого муниципалитета.
poll-invalid-option = Этот вариант не относится к опросу.
poll-topic-exists = Эта проблема уже стала темой.
broadcast-kind-poll = Опрос
broadcast-kind-poll_results = Результаты опроса
