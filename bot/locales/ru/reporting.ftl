# Отчётность после гранта: отчёты НКО, проверка сотрудниками, продление сроков.

rep-invalid-negative = Число не может быть отрицательным.
rep-invalid-whole-number = Пожалуйста, отправьте целое число, например 120.
rep-invalid-too-many = Это больше { $maximum }; пожалуйста, проверьте число.
rep-spent-above-award = Это больше, чем остаётся от гранта после ваших других отчётов: не более { $remaining } сом.
rep-already-filed = Этот отчёт уже сдан и ждёт проверки мэрии.
rep-already-accepted = Этот отчёт уже принят; изменить в нём ничего нельзя.
rep-not-filed = Этот отчёт не сдан (или возвращён на доработку), проверять пока нечего.
rep-extension-past = Новый срок должен быть в будущем.
rep-extension-not-later = Новый срок должен быть позже текущего.
rep-changed-meanwhile = Этот отчёт за это время изменился (возможно, его отправил другой участник вашей организации). Откройте его снова через /reports.

## Названия и состояния

rep-name-periodic = Промежуточный отчёт { $number }
rep-name-final = Итоговый отчёт
rep-state-due = ожидается
rep-state-overdue = просрочен
rep-state-filed = сдан, ждёт проверки
rep-state-changes_requested = возвращён на доработку
rep-state-accepted = принят

## НКО: /reports, карточка отчёта, сдача

rep-none = У вас нет отчётов к сдаче. Отчёты появятся здесь, когда ваша организация получит грант.
rep-list-title = 📑 <b>Отчёты вашей организации</b>
rep-list-line = • { $report } · «{ $title }» · срок { $when } · { $state }
rep-card-title = 📑 <b>{ $report }</b> — «{ $title }»
rep-card-period = Отчётный период: { $start } – { $end }
rep-card-due = Срок: { $when } ({ $zone })
rep-card-extended = 🗓 Срок перенесён: { $reason }
rep-card-comment = ✏️ Комментарий мэрии: { $comment }
rep-filed-text = Что сделано: { $text }
rep-filed-beneficiaries = Охвачено людей: { $count }
rep-filed-spent = Израсходовано: { $amount } сом
rep-file-button = 📝 Сдать отчёт
rep-revise = 📝 Доработать и отправить снова
rep-open = 📑 Открыть отчёт
rep-step = Шаг { $number } из { $total } · { $report }
rep-ask-text = Что сделано за этот период? Опишите мероприятия и их результаты (от { $minimum } до { $maximum } символов).
rep-ask-beneficiaries = Сколько человек охватил проект за этот период? Отправьте целое число, например 120.
rep-ask-spent = Сколько денег израсходовано за этот период, в сомах? От гранта осталось не более { $remaining } сом.
rep-ask-files = Теперь отправьте документы отчёта (PDF, DOCX, XLSX, ODT) и фотографии (JPG, PNG), не более { $limit } файлов. Чтобы показать, где сделаны фото, после них поделитесь геопозицией (📎 → Геопозиция). Уже приложено: { $count }. Когда закончите, нажмите «Готово».
rep-files-done = ✅ Готово
rep-file-accepted = ✅ Получен файл «{ $name }» (файл { $count }). Отправьте ещё, поделитесь геопозицией для фото или нажмите «Готово».
rep-need-file = Отправьте документ или фотографию, поделитесь геопозицией или нажмите «Готово».
rep-too-many-files = К одной отправке отчёта можно приложить не более { $limit } файлов.
rep-location-saved = 📍 Геопозиция сохранена для { $count ->
        [one] { $count } фотографии
       *[other] { $count } фотографий
    }.
rep-location-needs-photo = Сначала отправьте фотографии, затем поделитесь местом, где они сделаны.
rep-summary-title = 📋 <b>Проверьте перед отправкой</b>: { $report } — «{ $title }»
rep-summary-files = Файлы: документов { $documents }, фотографий { $photos } (с геопозицией: { $located })
rep-send = 📨 Отправить отчёт
rep-filed = 📨 { $report } по конкурсу «{ $title }» отправлен. Мэрия проверит его, и вы получите результат здесь.
rep-paused = Отчёт отложен, ничего не отправлено. Откройте его снова через /reports.

## Сообщения через очередь отправки

rep-staff-filed = 📨 { $organization } сдала { $report } по конкурсу «{ $title }» (версия { $revision }). Откройте его, чтобы принять или запросить доработку.
rep-nco-accepted = ✅ Мэрия приняла { $report } по конкурсу «{ $title }». Спасибо!
rep-nco-changes = ✏️ Мэрия просит доработать { $report } по конкурсу «{ $title }»:
    { $comment }
    Пожалуйста, исправьте отчёт и отправьте его снова.
rep-nco-extended = 🗓 Новый срок для отчёта «{ $report }» по конкурсу «{ $title }»: { $when } ({ $zone }). Причина: { $reason }

## Сотрудники: таблица, отчёт, проверка

rep-table-button = 📑 Отчёты
rep-table-title = 📑 <b>Отчёты по конкурсу «{ $title }»</b>
rep-table-counts = Ожидаются: { $due } · Просрочены: { $overdue } · Сданы: { $filed } · На доработке: { $changes_requested } · Приняты: { $accepted }
rep-table-line = { $mark } { $organization } · { $report } · { $when } · { $state }
rep-table-empty = Отчётов пока нет.
rep-table-xlsx = 📊 Таблица в XLSX
rep-xlsx-sheet = Отчёты
rep-xlsx-organization = Организация
rep-xlsx-report = Отчёт
rep-xlsx-period-start = Период с
rep-xlsx-period-end = Период по
rep-xlsx-due = Срок
rep-xlsx-state = Состояние
rep-xlsx-filed = Сдан
rep-xlsx-beneficiaries = Охвачено людей
rep-xlsx-spent = Израсходовано (сом)
rep-xlsx-extensions = Продления
rep-xlsx-caption = 📊 Отчёты по конкурсу «{ $title }».
rep-staff-calls = 📑 Отчёты: выберите конкурс.
rep-staff-no-calls = Ни по одному конкурсу вашей мэрии ещё нет грантов, поэтому отчётов нет.
rep-staff-title = 📑 <b>{ $organization }</b> · { $report } · «{ $title }»
rep-staff-award = Грант: { $amount } сом
rep-staff-extension = 🗓 Срок продлён с { $old } до { $new }: { $reason }
rep-staff-filed-at = Сдан { $when } (версия { $revision }):
rep-accept = ✅ Принять
rep-request-changes = ✏️ Запросить доработку
rep-extend = 🗓 Продлить срок
rep-back-to-table = ⬅️ Все отчёты конкурса
rep-file-caption = Версия { $revision } · файл { $position }
rep-file-location = 📍 Снято в точке { $latitude }, { $longitude }
rep-accepted-done = ✅ Принят: { $organization } · { $report }. Организации сообщено.
rep-changes-done = ✏️ Возвращён организации { $organization } ({ $report }) с вашим комментарием.
rep-extended-done = 🗓 Срок продлён: { $organization } · { $report }. Организации сообщено.
rep-ask-comment = Что организации нужно исправить? Ваш комментарий будет отправлен ей так, как вы его напишете.
rep-ask-date = Срок отчёта: { $when } ({ $zone }). Отправьте новый срок, например 15.05.2027: отчёт будет ожидаться в этот день до 18:00.
rep-ask-reason = Новый срок: { $when } ({ $zone }). Почему срок продлевается? Причина сохраняется и отправляется организации.
