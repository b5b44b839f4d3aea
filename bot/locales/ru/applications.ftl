## Browsing calls and applying

apply-no-open-calls = Сейчас нет открытых конкурсов. Подпишитесь в /subscriptions, чтобы узнавать о новых.
apply-calls-title = <b>Открытые конкурсы</b> ({ $count }; страница { $page } из { $pages }). ⭐ — по вашим подпискам; 📝 — черновик вашей организации; ✅ — подана.
apply-time-left = ⏳ Осталось: { $days } дн. { $hours } ч.
apply-start = 📝 Подать заявку
apply-continue = 📝 Продолжить мою заявку
apply-closed = Приём заявок на этот конкурс закрыт: срок истёк или конкурс больше не открыт. Черновик можно посмотреть, но не изменить.
apply-needs-profile = Чтобы подать заявку, сначала опишите свою организацию: /profile.
apply-eligibility-step = Соответствие требованиям, вопрос { $number } из { $total }:
apply-yes = ✅ Да
apply-no = ❌ Нет
apply-not-eligible-reason = К сожалению, ваша организация не может участвовать в этом конкурсе. { $reason }
apply-change-answer = Я ответил(а) неверно — изменить ответ
apply-form-step = Заявка, вопрос { $number } из { $total }:
apply-ask-project_title = Название вашего проекта ({ $minimum }–{ $maximum } символов):
apply-ask-summary = Кратко: проблема, что вы сделаете и какие результаты ожидаете ({ $minimum }–{ $maximum } символов):
apply-ask-target_group = Кто получит пользу (целевая группа)? ({ $minimum }–{ $maximum } символов)
apply-ask-beneficiaries = Сколько человек получат пользу? (число)
apply-ask-requested_amount = Какую сумму вы запрашиваете, в сомах? (не больше { $maximum })
apply-ask-duration_months = Сколько месяцев продлится проект?
apply-ask-co_financing = Ваш вклад или вклад партнёров, в сомах (0, если нет):
apply-field-project_title = Проект
apply-field-summary = Кратко
apply-field-target_group = Целевая группа
apply-field-beneficiaries = Благополучатели
apply-field-requested_amount = Запрошено, сом
apply-field-duration_months = Месяцев
apply-field-co_financing = Софинансирование, сом
apply-overview-title = <b>Ваша заявка</b>: { $title }
apply-status-draft = Статус: черновик (ещё не подана).
apply-status-submitted = Статус: подана ✅ Квитанция { $reference }.
apply-status-withdrawn = Статус: отозвана. До окончания срока её можно подать снова.
apply-status-under_review = Статус: на рассмотрении.
apply-checklist = <b>Документы</b> (✅ приложен, ⬜️ обязателен, ▫️ по желанию):
apply-upload = 📎 Загрузить документы
apply-submit = ✅ Подать заявку
apply-withdraw = ↩️ Отозвать заявку
apply-not-eligible = • Не на все вопросы о соответствии дан ответ «да».
apply-form-incomplete = • Заявка заполнена не полностью.
apply-documents-missing = • Не хватает обязательных документов.
apply-choose-document = Какой документ вы отправите? Файлы до { $limit } МБ: PDF, Word (DOCX), Excel (XLSX), ODT или фотографии (JPG, PNG).
apply-send-files = Отправьте файл(ы) для «{ $document }» — документом или фотографиями, несколько страниц подряд (до { $limit } МБ каждый). Затем нажмите «Готово».
apply-upload-done = ✔️ Готово
apply-remove-files = 🗑 Удалить файлы этого документа
apply-back-to-overview = ⬅️ К заявке
apply-paused = Заявка сохранена как есть. Продолжить можно в любое время из карточки конкурса в /calls.
apply-changed-meanwhile = Коллега из вашей организации только что изменил(а) эту заявку; его изменения не затёрты. Вот вопрос снова, с актуальными ответами.
apply-receipt =
    ✅ <b>Заявка подана.</b>
    Номер квитанции: <b>{ $reference }</b>
    Конкурс: { $title }
    Подана: { $when }
    Документы:
    { $documents }
    До окончания срока заявку можно отозвать и подать снова.
apply-withdrawn = Заявка отозвана. До окончания срока её можно подать снова.
apply-staff-notice = 📥 Новые заявки на конкурс «{ $title }». Смотрите /submissions.
apply-no-submissions = Заявок пока нет.
apply-state-submitted = подана
apply-state-withdrawn = отозвана
apply-state-under_review = на рассмотрении
apply-state-draft = черновик

## Refusals in the form

invalid-number = Введите целое число, например 120.
invalid-number-negative = Число не может быть отрицательным.
invalid-number-range = Число должно быть от { $minimum } до { $maximum }.
invalid-above-max = Это больше, чем может получить один проект в этом конкурсе: { $maximum } сом.

## Documents

doc-need-file = Пожалуйста, отправьте файл: документ (PDF, DOCX, XLSX, ODT) или фотографию. Стикеры, голосовые сообщения и геолокацию приложить нельзя.
doc-empty = Файл пустой. Пожалуйста, отправьте его ещё раз.
doc-too-big = Размер файла { $size_mb } МБ, а допускается не больше { $limit_mb } МБ. Сожмите его или сохраните в PDF, либо отправьте страницы фотографиями.
doc-executable = Это программа, а не документ, поэтому файл не принят.
doc-macro = Файлы Office с макросами (например, .docm или .xlsm) не принимаются из соображений безопасности. Сохраните его как обычный DOCX/XLSX или PDF.
doc-archive = Архивы (ZIP, RAR, 7z…) не принимаются. Отправьте каждый документ отдельно.
doc-legacy-office = Старые файлы Word/Excel (.doc, .xls) не принимаются. Сохраните их как DOCX/XLSX или PDF.
doc-renamed = Имя файла говорит «.{ $claimed }», но на самом деле это { $actual }. Отправьте, пожалуйста, исходный файл.
doc-unknown-type = Такой тип файла не принимается. Можно: PDF, DOCX, XLSX, ODT, JPG, PNG.
doc-duplicate = Этот же файл уже приложен («{ $name }»).
doc-accepted = ✅ Получен «{ $name }» (файл { $position } для этого документа). Отправьте ещё страницы или нажмите «Готово».

## Clarifications (questions and answers about a call)

command-questions = Вопросы НКО по вашим конкурсам
qa-ask = ❓ Задать вопрос по конкурсу
qa-list = 📖 Вопросы и ответы ({ $count })
qa-ask-prompt = Напишите ваш вопрос по конкурсу (10–1000 символов). Ответ придёт сюда и без вашего имени войдёт в открытые вопросы и ответы конкурса.
qa-asked = Ваш вопрос отправлен в мэрию. Ответ придёт сюда.
qa-staff-notice = ❓ Новый вопрос по конкурсу «{ $title }»:
    { $question }
    Ответить можно в /questions.
qa-none-open = Вопросов без ответа нет.
qa-open-item = ❓ <b>{ $title }</b>
    { $question }
qa-answer = ✍️ Ответить
qa-answer-prompt = Напишите ответ на вопрос: «{ $question }». Он будет опубликован в вопросах и ответах конкурса (без имени автора) и отправлен всем, кто начал заявку.
qa-already-answered = На этот вопрос уже ответили.
qa-answer-sent = Ответ опубликован и рассылается (получателей: { $count }).
qa-title = <b>Вопросы и ответы</b>: { $title }
qa-item = ❓ { $question }
    💬 { $answer }
qa-published = 💬 Новый ответ по конкурсу «{ $title }»:
    ❓ { $question }
    { $answer }

## Несколько членов одной организации в одной заявке

apply-card-ours = 📝 Заявка вашей организации: { $state }, последнее изменение { $when }.
apply-answer-taken =
    «{ $field }»: коллега из вашей организации ответил(а) на этот вопрос, пока вы писали, поэтому ваш ответ не сохранён. Сейчас ответ такой:
    { $current }

    Чтобы заменить его своим, отправьте ваш ответ ещё раз. Чтобы оставить этот, нажмите кнопку.
apply-keep-answer = ✔️ Оставить этот ответ
apply-eligibility-taken = Коллега из вашей организации уже ответил(а) на этот вопрос: { $answer }. Его (её) ответ сохранён.
apply-already-submitted = Эта заявка уже подана (квитанция { $reference }, { $when }) — возможно, коллегой из вашей организации. Она не изменена и повторно не подана. Чтобы изменить заявку, сначала отзовите её (до срока).
apply-check-before-submit = Коллега изменил(а) заявку после того, как вы её открыли, поэтому она не подана. Проверьте её ниже и снова нажмите «Подать заявку».
