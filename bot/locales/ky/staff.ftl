## Staff: roles, invitations, the staff home

command-staff = Мэриянын кызматкерлерине: сынактарыңыз жана куралдар
command-newcall = Сынак түзүү
command-calls = Муниципалитетиңиздин сынактары
command-submissions = Муниципалитетиңиздин сынактарына келген арыздар
command-invite = Кызматкерлерди же комиссия мүчөлөрүн чакыруу
role-municipal_admin = муниципалитеттин администратору
role-staff = кызматкер
role-commission = сынак комиссиясынын мүчөсү
staff-not-allowed = Бул мэриянын кызматкерлери үчүн гана. Эгер мэрияда иштесеңиз, анын администраторунан чакыруу шилтемесин сураңыз.
staff-home = <b>Мэриянын кызматкерлерине</b>: аракетти тандаңыз.
staff-calls = 📋 Сынактар: { $municipality }
staff-new-call = ➕ Жаңы сынак
staff-announce = 📣 Кулактандыруу
staff-invite = 👥 Чакыруу
staff-choose-municipality = Кайсы муниципалитет үчүн?
staff-no-calls = «{ $municipality }» муниципалитетинде азырынча сынак жок. Биринчисин /newcall буйругу менен түзүңүз.
staff-calls-title = <b>{ $municipality }</b>: сынактар
staff-call-status = Абалы: { $status } · { $version }-версия
staff-continue-draft = ✏️ Долбоорду улантуу
staff-move-deadline = ⏰ Мөөнөттү жылдыруу
staff-share = 🔗 Шилтеме жана QR-код
staff-cancel-call = ❌ Сынакты жокко чыгаруу
staff-share-text = Пресс-релиз же жарыялоо үчүн сынактын шилтемеси: { $link }
    Төмөнкү QR-код ошол эле шилтемени ачат — аны плакатка басып чыгарса болот.
status-draft = 📝 Долбоор
status-published = 🟢 Ачык
status-closed = 🔒 Жабык
status-decided = 🏁 Чечим кабыл алынды
status-cancelled = ❌ Жокко чыгарылды
invite-invalid = Бул чакыруу шилтемеси жараксыз: ал колдонулуп бүткөн же мөөнөтү өткөн. Жаңысын сураңыз.
invite-accepted = Кош келиңиз! Эми сиздин ролуңуз — { $role }, муниципалитет «{ $municipality }».
invite-choose-municipality = Кайсы муниципалитетке чакырасыз?
invite-choose-role = { $municipality }: жаңы адамдын ролу кандай болот?
invite-created = Чакыруу: { $role }, муниципалитет «{ $municipality }». Шилтемени ошол адамга гана жөнөтүңүз; ал 7 күн ичинде бир жолу иштейт:
    { $link }

## Broadcasts

broadcast-counts = Жеткирүү: жөнөтүлдү { $sent }, күтүүдө { $queued }, жөнөтүлүүдө { $sending }, жөнөтүлгөн жок { $failed }, ботту бөгөттөгөндөр { $blocked } ({ $total } ичинен).
broadcast-final = ✅ { $kind }: жөнөтүлдү { $sent }, жөнөтүлгөн жок { $failed }, ботту бөгөттөгөндөр { $blocked } ({ $total } ичинен).
broadcast-kind-call = Сынакты таратуу аяктады
broadcast-kind-amendment = Өзгөртүүнү таратуу аяктады
broadcast-kind-cancellation = Жокко чыгаруу тууралуу таратуу аяктады
broadcast-kind-announcement = Кулактандырууну таратуу аяктады
broadcast-refresh = 🔄 Жаңылоо
money = { $amount } сом
announcement-message = 📣 <b>{ $municipality }</b>
    { $text }
amendment-deadline = ⏰ <b>{ $title }</b>: арыз кабыл алуу мөөнөтү { $old } дан <b>{ $new }</b> га жылдырылды ({ $zone } убактысы).
amendment-cancelled = ❌ <b>{ $title }</b> сынагын мэрия жокко чыгарды. Себеби: { $reason }

## The competition card

card-cancelled = ❌ <b>Жокко чыгарылды</b>
card-budget = 💰 Бюджет: { $total }
card-per-project = Бир долбоорго { $maximum } чейин; { $count } долбоор каржыланат.
card-deadline = ⏰ Арыздар кабыл алынат: <b>{ $when }</b> чейин ({ $zone } убактысы)
card-period = 📅 Ишке ашыруу: { $start } – { $end }
card-eligibility = <b>Ким катыша алат</b> (ар бир суроого «ооба» деген жооп керек):
card-documents = <b>Документтер</b>:
card-criteria = <b>Арыздар кантип бааланат</b>:
card-reporting-monthly = 🗓 Отчёттор ай сайын: { $dates }
card-reporting-quarterly = 🗓 Отчёттор чейрек сайын: { $dates }
card-reporting-dates = 🗓 Отчёттордун мөөнөттөрү: { $dates }
card-reporting-final = 🗓 Жыйынтык отчёт { $date } чейин (долбоор аяктагандан { $days } күн өткөндөн кийин)
card-amended = ✏️ { $version }-версия: мөөнөт { $old } дан { $new } га жылдырылды.

## Templates that follow social-procurement practice

elig-registered_nco = Уюм Кыргыз Республикасында катталган коммерциялык эмес уюм
elig-charter_matches = Уюмдун уставы ушул тема боюнча иштөөнү камтыйт
elig-no_tax_arrears = Уюмдун салык боюнча карызы жок
elig-no_social_fund_arrears = Уюмдун Социалдык фонддун алдында карызы жок
elig-experience_year = Уюмдун бул тармакта жок дегенде бир жылдык тажрыйбасы бар
elig-reason-registered_nco = Мамлекеттик социалдык заказ жөнүндө мыйзамга ылайык катталган коммерциялык эмес уюмдар гана катыша алат.
elig-reason-charter_matches = Устав сынактын темасы боюнча иштөөнү камтышы керек.
elig-reason-no_tax_arrears = Салык карызы бар уюмдар социалдык заказдын каражатын ала албайт.
elig-reason-no_social_fund_arrears = Социалдык фонддун алдында карызы бар уюмдар социалдык заказдын каражатын ала албайт.
elig-reason-experience_year = Бул сынак үчүн тармакта жок дегенде бир жылдык тажрыйба талап кылынат.
elig-reason-custom = Бул сынак үчүн бул суроого «ооба» деген жооп керек.
doc-application_form = Форма боюнча арыз
doc-project_proposal = Долбоордук сунуш
doc-budget = Долбоордун бюджети
doc-registration_certificate = Мамлекеттик каттоо күбөлүгү
doc-charter = Устав
doc-support_letters = Колдоо каттары
crit-relevance = Көйгөйгө шайкештиги
crit-approach = Ыкма жана иш-чаралар
crit-capacity = Уюмдун мүмкүнчүлүгү жана тажрыйбасы
crit-budget_quality = Негизделген жана реалдуу бюджет
crit-sustainability = Натыйжалардын туруктуулугу

## The competition wizard

wz-step = { $total } кадамдын { $number }-кадамы
wz-ask-title = Сынактын аталышы, тили: «{ $language }» ({ $minimum }–{ $maximum } белги):
wz-ask-description = Сынакты сүрөттөңүз, тили: «{ $language }»: көйгөй, мэрия эмнени күтөт, ким үчүн ({ $minimum }–{ $maximum } белги).
wz-ask-translations = Сынактын тексттери карточкада белгиленген тилдерде бар. Котормо кошуңуз же улантыңыз.
wz-ask-tr_title = Аталышы, тили: «{ $language }»:
wz-ask-tr_description = Сүрөттөмөсү, тили: «{ $language }»:
wz-ask-topic = Сынак кайсы артыкчылыктуу көйгөйдү чечет?
wz-ask-budget_total = Сынактын жалпы бюджети, сом менен (мисалы, 400 000):
wz-ask-max_per_project = Бир долбоор эң көп канча ала алат, сом менен ({ $total } ашпашы керек):
wz-ask-projects_count = Канча долбоор каржыланат?
wz-ask-deadline = Арыз берүү мөөнөтү: баскычты басыңыз же жергиликтүү убакыт менен датаны жана убакытты жазыңыз, мисалы 25.12.2026 18:00 (убакытсыз — 18:00).
wz-ask-period = Ишке ашыруу мезгили, мисалы 01.02.2027 - 31.12.2027:
wz-ask-eligibility = Ким катыша алат? Шарттарды белгилеңиз; бирөөнө «жок» деп жооп берген арыз берүүчү арыз бере албайт жана себебин билет.
wz-ask-documents = Арыз берүүчүлөр кайсы документтерди тиркеши керек?
wz-ask-criteria = Комиссия арыздарды кантип баалайт? Критерийлерди белгилеңиз; сандар — алардын салмагы.
wz-ask-reporting = Каржыланган уюмдар канчалык көп отчёт тапшырат?
wz-ask-report_dates = Отчёттордун мөөнөттөрүн жазыңыз, мисалы 30.06.2027, 31.12.2027:
wz-ask-final_days = Жана бүт долбоор боюнча жыйынтык отчёт: ишке ашыруу мөөнөтү бүткөндөн кийин канча күндө тапшырылышы керек?
wz-final-days = { $days } күн
wz-invalid-final-days = 0дөн { $maximum } чейинки бүтүн күн санын жөнөтүңүз.
wz-ask-new-deadline = Арыз берүүнүн жаңы мөөнөтү: баскычты басыңыз же датаны жана убакытты жазыңыз, мисалы 25.12.2026 18:00.
wz-ask-cancel-reason = Сынак эмне үчүн жокко чыгарылат? Бул себепти аны алгандардын баары көрөт.
wz-ask-announcement = «{ $municipality }» жазылуучулары үчүн кулактандырууну жазыңыз (мисалы, КЭУлар үчүн маалыматтык жолугушуу — датасы жана орду менен):
wz-ask-announcement-short = Кулактандырууну жазыңыз:
wz-type-custom-eligibility = Өз шартыңызды («ооба/жок» суроосун) кошуу үчүн аны жазыңыз.
wz-type-custom-documents = Башка документ кошуу үчүн анын аталышын жазыңыз.
wz-type-custom-criteria = Өз критерийиңизди кошуу үчүн аны салмагы менен жазыңыз, мисалы «Ыктыярчыларды тартуу: 10».
wz-or-type = …же кол менен жазыңыз.
wz-in-days = { $days } күндөн кийин
wz-add-language = ➕ { $language }
wz-continue = Улантуу ▶️
wz-done = Даяр ▶️
wz-reporting-monthly = Ай сайын
wz-reporting-quarterly = Чейрек сайын
wz-reporting-dates = Көрсөтүлгөн күндөрдө
wz-criteria-needed = Жок дегенде бир критерий тандаңыз.
wz-documents-needed = Жок дегенде бир документ тандаңыз.
wz-budget-first = Адегенде жалпы бюджетти көрсөтүңүз.
wz-deadline-first = Адегенде арыз берүү мөөнөтүн көрсөтүңүз.
wz-period-first = Адегенде ишке ашыруу мезгилин көрсөтүңүз.
wz-preview-note = ☝️ КЭУлар карточканы «{ $language }» тилинде дал ушундай көрүшөт. Долбоор сакталды.
wz-preview-missing = Жарыялоодон мурун толтуруу керек: { $fields }.
wz-publish = 🚀 Жарыялоо жана жазылуучуларга жөнөтүү
wz-edit = ✏️ { $field }
wz-save-exit = 💾 Долбоорду сактап чыгуу
wz-draft-kept = Долбоор сакталды. Аны каалаган убакта /calls аркылуу улантсаңыз болот.
wz-cancelled = Жокко чыгарылды. Эч нерсе жөнөтүлгөн жок.
wz-published = 🚀 Жарыяланды. Сынак жазылуучуларга жөнөтүлүүдө.
wz-deadline-moved = Мөөнөт жылдырылды ({ $version }-версия); сынакты алгандардын баарына билдирүү жөнөтүлүүдө.
wz-call-cancelled = Сынак жокко чыгарылды; аны алгандардын баарына билдирүү жөнөтүлүүдө.
wz-announcement-preview = Кулактандыруу мындай көрүнөт:
wz-send = 📣 Жөнөтүү
wz-announcement-sent = Кулактандыруу жөнөтүлүүдө.
wz-field-title = Аталышы
wz-field-description = Сүрөттөмө
wz-field-translations = Котормолор
wz-field-topic = Тема
wz-field-budget_total = Бюджет
wz-field-max_per_project = Бир долбоорго максимум
wz-field-projects_count = Долбоорлордун саны
wz-field-deadline = Арыз берүү мөөнөтү
wz-field-deadline_at = Арыз берүү мөөнөтү
wz-field-period = Ишке ашыруу мезгили
wz-field-eligibility = Шарттар
wz-field-documents = Документтер
wz-field-criteria = Критерийлер
wz-field-reporting = Отчёттуулук

## Refusals in the wizard

invalid-amount = Сумманы сом менен сан түрүндө жазыңыз, мисалы 400 000.
invalid-amount-negative = Сумма нөлдөн көп болушу керек.
invalid-amount-too-large = Бул { $maximum } сомдон көп — санды текшериңиз.
invalid-max-above-total = Бир долбоорго максимум жалпы бюджеттен ({ $total } сом) ашпашы керек.
invalid-count = Бүтүн санды жазыңыз, мисалы 2.
invalid-count-range = Долбоорлордун саны 1ден { $maximum } чейин болушу керек.
invalid-date = Датаны 25.12.2026 (күн.ай.жыл) түрүндө жазыңыз.
invalid-time = Убакытты 18:00 түрүндө жазыңыз.
invalid-date-past = Бул убакыт өтүп кеткен. Келечектеги датаны көрсөтүңүз.
invalid-period = Эки датаны — башталышын жана аягын жазыңыз, мисалы 01.02.2027 - 31.12.2027.
invalid-period-order = Мезгилдин аягы башталышынан кийин болушу керек.
invalid-period-before-deadline = Ишке ашыруу арыз кабыл алуу аяктаганга чейин башталбайт.
invalid-report-dates-outside = Отчёттордун мөөнөттөрү ишке ашыруу мезгилинин ичинде болушу керек.
invalid-criterion = Критерийди жана анын 1ден 100гө чейинки салмагын жазыңыз, мисалы «Ыктыярчыларды тартуу: 10».
publish-not-draft = Бул сынак мурунтан эле жарыяланган.
publish-missing = Сынакты азырынча жарыялоого болбойт; толтурулган жок: { $fields }.
amend-not-published = Ачык сынакты гана өзгөртүүгө болот.
cancel-not-open = Бул сынакты мындан ары жокко чыгарууга болбойт.
