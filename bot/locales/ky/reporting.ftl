# Гранттан кийинки отчёттуулук: КЭУнун отчёттору, кызматкерлердин текшерүүсү, мөөнөттү узартуу.

rep-invalid-negative = Сан терс боло албайт.
rep-invalid-whole-number = Бүтүн сан жөнөтүңүз, мисалы 120.
rep-invalid-too-many = Бул { $maximum } ашык; санды текшериңиз.
rep-spent-above-award = Бул сиздин башка отчётторуңуздан кийин гранттан калгандан көп: эң көп { $remaining } сом.
rep-already-filed = Бул отчёт тапшырылган жана мэриянын текшерүүсүн күтүүдө.
rep-already-accepted = Бул отчёт кабыл алынган; андан эч нерсени өзгөртүүгө болбойт.
rep-not-filed = Бул отчёт тапшырыла элек (же кайра иштетүүгө кайтарылган), текшере турган эч нерсе жок.
rep-extension-past = Жаңы мөөнөт келечекте болушу керек.
rep-extension-not-later = Жаңы мөөнөт учурдагыдан кечирээк болушу керек.
rep-changed-meanwhile = Бул отчёт ушул убакта өзгөрдү (балким, аны уюмуңуздун башка мүчөсү жөнөткөндүр). Аны /reports аркылуу кайра ачыңыз.

## Аталыштар жана абалдар

rep-name-periodic = { $number }-аралык отчёт
rep-name-final = Жыйынтык отчёт
rep-state-due = күтүлүүдө
rep-state-overdue = мөөнөтү өтүп кеткен
rep-state-filed = тапшырылды, текшерүүнү күтүүдө
rep-state-changes_requested = оңдоого кайтарылды
rep-state-accepted = кабыл алынды

## КЭУ: /reports, отчёттун карточкасы, тапшыруу

rep-none = Сизде тапшыра турган отчёт жок. Уюмуңуз грант алганда отчёттор ушул жерде пайда болот.
rep-list-title = 📑 <b>Уюмуңуздун отчёттору</b>
rep-list-line = • { $report } · «{ $title }» · мөөнөтү { $when } · { $state }
rep-card-title = 📑 <b>{ $report }</b> — «{ $title }»
rep-card-period = Отчёттук мезгил: { $start } – { $end }
rep-card-due = Мөөнөтү: { $when } ({ $zone })
rep-card-extended = 🗓 Мөөнөтү жылдырылды: { $reason }
rep-card-comment = ✏️ Мэриянын пикири: { $comment }
rep-filed-text = Эмне аткарылды: { $text }
rep-filed-beneficiaries = Камтылган адамдар: { $count }
rep-filed-spent = Сарпталды: { $amount } сом
rep-file-button = 📝 Отчёт тапшыруу
rep-revise = 📝 Оңдоп, кайра жөнөтүү
rep-open = 📑 Отчётту ачуу
rep-step = { $total } кадамдын { $number }-кадамы · { $report }
rep-ask-text = Бул мезгилде эмне аткарылды? Иш-чараларды жана алардын натыйжаларын жазыңыз ({ $minimum }–{ $maximum } белги).
rep-ask-beneficiaries = Бул мезгилде долбоор канча адамды камтыды? Бүтүн сан жөнөтүңүз, мисалы 120.
rep-ask-spent = Бул мезгилде канча акча сарпталды, сом менен? Гранттан эң көп { $remaining } сом калды.
rep-ask-files = Эми отчёттун документтерин (PDF, DOCX, XLSX, ODT) жана сүрөттөрүн (JPG, PNG) жөнөтүңүз, эң көп { $limit } файл. Сүрөттөр кайда тартылганын көрсөтүү үчүн алардан кийин жайгашкан жериңизди бөлүшүңүз (📎 → Жайгашкан жер). Азырынча тиркелди: { $count }. Бүткөндө «Даяр» баскычын басыңыз.
rep-files-done = ✅ Даяр
rep-file-accepted = ✅ «{ $name }» алынды ({ $count }-файл). Дагы жөнөтүңүз, сүрөттөр үчүн жайгашкан жерди бөлүшүңүз же «Даяр» баскычын басыңыз.
rep-need-file = Документ же сүрөт жөнөтүңүз, жайгашкан жерди бөлүшүңүз же «Даяр» баскычын басыңыз.
rep-too-many-files = Отчётту ар бир жөнөткөндө эң көп { $limit } файл тиркөөгө болот.
rep-location-saved = 📍 Жайгашкан жер { $count } сүрөт менен сакталды.
rep-location-needs-photo = Адегенде сүрөттөрдү жөнөтүңүз, андан кийин алар тартылган жерди бөлүшүңүз.
rep-summary-title = 📋 <b>Жөнөтүүдөн мурун текшериңиз</b>: { $report } — «{ $title }»
rep-summary-files = Файлдар: документтер { $documents }, сүрөттөр { $photos } (жайгашкан жери менен: { $located })
rep-send = 📨 Отчётту жөнөтүү
rep-filed = 📨 «{ $title }» сынагы боюнча { $report } жөнөтүлдү. Мэрия аны текшерет, натыйжасын ушул жерден билесиз.
rep-paused = Отчёт кийинкиге калтырылды, эч нерсе жөнөтүлгөн жок. Аны /reports аркылуу кайра ачыңыз.

## Жөнөтүү кезеги аркылуу билдирүүлөр

rep-staff-filed = 📨 { $organization } «{ $title }» сынагы боюнча { $report } тапшырды ({ $revision }-версия). Кабыл алуу же оңдоону суроо үчүн аны ачыңыз.
rep-nco-accepted = ✅ Мэрия «{ $title }» сынагы боюнча { $report } кабыл алды. Рахмат!
rep-nco-changes = ✏️ Мэрия «{ $title }» сынагы боюнча { $report } оңдоону суранат:
    { $comment }
    Отчётту оңдоп, кайра жөнөтүңүз.
rep-nco-extended = 🗓 «{ $title }» сынагы боюнча { $report } үчүн жаңы мөөнөт: { $when } ({ $zone }). Себеби: { $reason }

## Кызматкерлер: таблица, отчёт, текшерүү

rep-table-button = 📑 Отчёттор
rep-table-title = 📑 <b>«{ $title }» сынагы боюнча отчёттор</b>
rep-table-counts = Күтүлүүдө: { $due } · Мөөнөтү өткөн: { $overdue } · Тапшырылган: { $filed } · Оңдоодо: { $changes_requested } · Кабыл алынган: { $accepted }
rep-table-line = { $mark } { $organization } · { $report } · { $when } · { $state }
rep-table-empty = Азырынча отчёттор жок.
rep-table-xlsx = 📊 Таблица XLSX түрүндө
rep-xlsx-sheet = Отчёттор
rep-xlsx-organization = Уюм
rep-xlsx-report = Отчёт
rep-xlsx-period-start = Мезгилдин башы
rep-xlsx-period-end = Мезгилдин аягы
rep-xlsx-due = Мөөнөтү
rep-xlsx-state = Абалы
rep-xlsx-filed = Тапшырылган
rep-xlsx-beneficiaries = Камтылган адамдар
rep-xlsx-spent = Сарпталган (сом)
rep-xlsx-extensions = Узартуулар
rep-xlsx-caption = 📊 «{ $title }» сынагы боюнча отчёттор.
rep-staff-calls = 📑 Отчёттор: сынакты тандаңыз.
rep-staff-no-calls = Мэрияңыздын бир дагы сынагы боюнча грант бериле элек, ошондуктан отчёттор жок.
rep-staff-title = 📑 <b>{ $organization }</b> · { $report } · «{ $title }»
rep-staff-award = Грант: { $amount } сом
rep-staff-extension = 🗓 Мөөнөтү { $old } күнүнөн { $new } күнүнө узартылды: { $reason }
rep-staff-filed-at = Тапшырылды { $when } ({ $revision }-версия):
rep-accept = ✅ Кабыл алуу
rep-request-changes = ✏️ Оңдоону суроо
rep-extend = 🗓 Мөөнөттү узартуу
rep-back-to-table = ⬅️ Сынактын бардык отчёттору
rep-file-caption = { $revision }-версия · { $position }-файл
rep-file-location = 📍 Тартылган жери: { $latitude }, { $longitude }
rep-accepted-done = ✅ Кабыл алынды: { $organization } · { $report }. Уюмга билдирилди.
rep-changes-done = ✏️ { $organization } уюмуна ({ $report }) сиздин пикириңиз менен кайтарылды.
rep-extended-done = 🗓 Мөөнөтү узартылды: { $organization } · { $report }. Уюмга билдирилди.
rep-ask-comment = Уюм эмнени оңдошу керек? Пикириңиз уюмга сиз жазгандай жөнөтүлөт.
rep-ask-date = Отчёттун мөөнөтү: { $when } ({ $zone }). Жаңы мөөнөттү жөнөтүңүз, мисалы 15.05.2027: отчёт ошол күнү саат 18:00гө чейин күтүлөт.
rep-ask-reason = Жаңы мөөнөт: { $when } ({ $zone }). Мөөнөт эмне үчүн узартылып жатат? Себеби сакталат жана уюмга жөнөтүлөт.
