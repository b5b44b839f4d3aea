## Артыкчылыктар боюнча сурамжылоо

command-poll = Тургундардан жана КЭУлардан кайсы көйгөйлөр маанилүү экенин суроо
command-polls = Сурамжылоолор жана алардын жыйынтыктары
poll-none = Азырынча сурамжылоо жок. /poll менен баштаңыз.
poll-list-title = <b>Сурамжылоолор</b>: жыйынтыгын көрүү үчүн бирөөнү тандаңыз.
poll-state-open = 🟢
poll-state-closed = 🔒
poll-ask-question = <b>Жаңы сурамжылоо: { $municipality }</b>
    Суроону жазыңыз, мисалы: «Кийинки жылы шаар кайсы көйгөйлөрдү биринчи кезекте каржылашы керек?»
poll-ask-options = Сурамжылоого кире турган темаларды белгилеңиз. Темалардын арасында жок көйгөйдү кошуу үчүн аны билдирүү менен жазыңыз. Андан кийин «Кийинки» баскычын басыңыз.
poll-new-options = Жаңы көйгөйлөр: { $options }
poll-options-done = ➡️ Кийинки
poll-ask-kind = Кантип жооп беришет?
poll-kind-choose = ☑️ Бир нечесин тандоо
poll-kind-rank = 🔢 Маанилүүлүгү боюнча иреттөө
poll-ask-closes = Сурамжылоо качан жабылат? Муниципалитеттин убактысы боюнча күндү (жана убакытты) жазыңыз, мисалы 25.12.2026 18:00, же тандаңыз:
poll-preview = <b>Сурамжылоону алдын ала көрүү</b> · { $municipality }
    { $question }
    Кантип: { $kind }
    { $options }
    Жабылат: { $closes } ({ $zone } убактысы)
poll-use-buttons = Жогорудагы баскычтарды колдонуңуз.
poll-started = ✅ Сурамжылоо муниципалитеттин жазылуучуларына жөнөтүлүүдө. Жыйынтыктар төмөндө; жаңыртуу үчүн «Жаңыртуу» баскычын басыңыз.
poll-csv = 📄 CSV
poll-close-now = 🔒 Азыр жабуу жана жыйынтыктарды жарыялоо
poll-make-topic = ➕ «{ $option }» тема кылуу
poll-csv-caption = Жыйынтыктар: { $question }
poll-csv-col-position = Орун
poll-csv-col-option = Вариант
poll-csv-col-topic-id = Теманын коду
poll-csv-col-count = Жооптор
poll-csv-col-share = Катышуучулардын үлүшү
poll-csv-col-participants = Катышуучулар
poll-csv-col-kind = Сурамжылоонун түрү
poll-topic-created = ✅ «{ $topic }» эми муниципалитеттин темасы: ал боюнча сынак жарыялоого жана ага жазылууга болот.
poll-closed = Бул сурамжылоо жабылды, жооптор мындан ары кабыл алынбайт.
poll-closed-now = Сурамжылоо жабылды; жыйынтыктар катышуучуларга жөнөтүлүүдө.
poll-already-answered = Сиз бул сурамжылоого жооп бергенсиз. Ар ким бир жолу жооп берет, биринчи жөнөтүлгөн жооп эсепке алынат.
poll-choose-first = Адегенде жок дегенде бир вариантты тандаңыз.
poll-thanks-choose = ✅ Рахмат! Жообуңуз эсепке алынды:
    { $choices }
poll-thanks-rank = ✅ Рахмат! Сиздин иретиңиз эсепке алынды:
    { $choices }
poll-message-choose = 🗳 <b>{ $municipality } сурайт</b>
    { $question }
    Сиз үчүн маанилүү бардык көйгөйлөрдү белгилеп, «Жоопту жөнөтүү» баскычын басыңыз. { $closes } чейин ачык ({ $zone } убактысы).
poll-message-rank = 🗳 <b>{ $municipality } сурайт</b>
    { $question }
    Көйгөйлөрдү маанилүүлүгү боюнча, эң маанилүүсүнөн баштап басыңыз (кайра басуу алып салат), андан кийин «Жоопту жөнөтүү». { $closes } чейин ачык ({ $zone } убактысы).
poll-send-answer = 📨 Жоопту жөнөтүү
poll-results-final = 📊 <b>Сурамжылоонун жыйынтыктары</b> · { $municipality }
    { $question }
    { $participants } катышуучу
poll-results-live = 📊 <b>Учурдагы жыйынтыктар</b> · { $municipality }
    { $question }
    Азырынча { $participants } катышуучу
poll-result-line-choose = { $position }. { $option }: { $count } добуш ({ $share })
poll-result-line-rank = { $position }. { $option }: { $count } упай ({ $share })
poll-status-open = { $closes } чейин ачык ({ $zone } убактысы).
poll-status-closed = Жабылды; жыйынтыктар катышуучуларга жөнөтүлдү.
poll-invalid-duplicate-option = Бул көйгөй сурамжылоодо бар.
poll-invalid-too-few-options = Сурамжылоодо кеминде { $minimum } вариант болушу керек.
poll-invalid-too-many-options = Сурамжылоодо эң көп { $maximum } вариант болот.
poll-invalid-kind = Жооп берүү ыкмасын баскычтар менен тандаңыз.
poll-invalid-topic = Сурамжылоодо ушул муниципалитеттин темалары гана болушу мүмкүн.
poll-invalid-option = Бул вариант сурамжылоого тиешелүү эмес.
poll-topic-exists = Бул көйгөй буга чейин тема болуп калган.
broadcast-kind-poll = Сурамжылоо
broadcast-kind-poll_results = Сурамжылоонун жыйынтыктары
