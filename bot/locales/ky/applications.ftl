## Browsing calls and applying

apply-no-open-calls = Азыр ачык сынактар жок. Жаңылары тууралуу билүү үчүн /subscriptions бөлүмүнөн жазылыңыз.
apply-calls-title = <b>Ачык сынактар</b> ({ $count }; { $pages } барактын { $page }-барагы). ⭐ — жазылууларыңызга ылайык; 📝 — уюмуңуздун долбоору; ✅ — берилген.
apply-time-left = ⏳ Калды: { $days } күн { $hours } саат.
apply-start = 📝 Арыз берүү
apply-continue = 📝 Арызымды улантуу
apply-closed = Бул сынакка арыз кабыл алуу жабык: мөөнөтү өттү же сынак мындан ары ачык эмес. Долбоорду көрүүгө болот, бирок өзгөртүүгө болбойт.
apply-needs-profile = Арыз берүү үчүн адегенде уюмуңузду сүрөттөңүз: /profile.
apply-eligibility-step = Талаптарга шайкештик, { $total } суроонун { $number }-суроосу:
apply-yes = ✅ Ооба
apply-no = ❌ Жок
apply-not-eligible-reason = Тилекке каршы, уюмуңуз бул сынакка катыша албайт. { $reason }
apply-change-answer = Туура эмес жооп бердим — жоопту өзгөртүү
apply-form-step = Арыз, { $total } суроонун { $number }-суроосу:
apply-ask-project_title = Долбооруңуздун аталышы ({ $minimum }–{ $maximum } белги):
apply-ask-summary = Кыскача: көйгөй, эмне кыласыз жана кандай натыйжаларды күтөсүз ({ $minimum }–{ $maximum } белги):
apply-ask-target_group = Ким пайда алат (максаттуу топ)? ({ $minimum }–{ $maximum } белги)
apply-ask-beneficiaries = Канча адам пайда алат? (сан)
apply-ask-requested_amount = Канча сумма сурайсыз, сом менен? ({ $maximum } ашпашы керек)
apply-ask-duration_months = Долбоор канча ай улантылат?
apply-ask-co_financing = Өзүңүздүн же өнөктөштөрдүн салымы, сом менен (жок болсо 0):
apply-field-project_title = Долбоор
apply-field-summary = Кыскача
apply-field-target_group = Максаттуу топ
apply-field-beneficiaries = Пайда алуучулар
apply-field-requested_amount = Суралган, сом
apply-field-duration_months = Ай
apply-field-co_financing = Кошо каржылоо, сом
apply-overview-title = <b>Сиздин арызыңыз</b>: { $title }
apply-status-draft = Абалы: долбоор (азырынча берилген жок).
apply-status-submitted = Абалы: берилди ✅ Квитанция { $reference }.
apply-status-withdrawn = Абалы: кайтарылып алынды. Мөөнөт бүткөнгө чейин кайра берсеңиз болот.
apply-status-under_review = Абалы: каралууда.
apply-checklist = <b>Документтер</b> (✅ тиркелди, ⬜️ милдеттүү, ▫️ каалоо боюнча):
apply-upload = 📎 Документтерди жүктөө
apply-submit = ✅ Арызды берүү
apply-withdraw = ↩️ Арызды кайтарып алуу
apply-not-eligible = • Шайкештик суроолорунун баарына «ооба» деп жооп берилген жок.
apply-form-incomplete = • Арыз толук толтурулган жок.
apply-documents-missing = • Милдеттүү документтер жетишпейт.
apply-choose-document = Кайсы документти жөнөтөсүз? { $limit } МБ чейинки файлдар: PDF, Word (DOCX), Excel (XLSX), ODT же сүрөттөр (JPG, PNG).
apply-send-files = «{ $document }» үчүн файл(дар)ды жөнөтүңүз — документ же сүрөт катары, бир нече баракты катары менен (ар бири { $limit } МБ чейин). Андан кийин «Даяр» баскычын басыңыз.
apply-upload-done = ✔️ Даяр
apply-remove-files = 🗑 Бул документтин файлдарын өчүрүү
apply-back-to-overview = ⬅️ Арызга кайтуу
apply-paused = Арыз ушул абалында сакталды. Аны каалаган убакта /calls ичиндеги сынактын карточкасынан улантсаңыз болот.
apply-changed-meanwhile = Уюмуңуздагы кесиптешиңиз жаңы эле бул арызды өзгөрттү; анын өзгөртүүлөрү өчүрүлгөн жок. Мына суроо кайрадан, учурдагы жооптор менен.
apply-receipt =
    ✅ <b>Арыз берилди.</b>
    Квитанциянын номери: <b>{ $reference }</b>
    Сынак: { $title }
    Берилди: { $when }
    Документтер:
    { $documents }
    Мөөнөт бүткөнгө чейин арызды кайтарып алып, кайра берсеңиз болот.
apply-withdrawn = Арыз кайтарылып алынды. Мөөнөт бүткөнгө чейин аны кайра берсеңиз болот.
apply-staff-notice = 📥 «{ $title }» сынагына жаңы арыздар келди. /submissions караңыз.
apply-no-submissions = Азырынча арыз жок.
apply-state-submitted = берилди
apply-state-withdrawn = кайтарылып алынды
apply-state-under_review = каралууда
apply-state-draft = долбоор

## Refusals in the form

invalid-number = Бүтүн санды жазыңыз, мисалы 120.
invalid-number-negative = Сан терс болушу мүмкүн эмес.
invalid-number-range = Сан { $minimum } дан { $maximum } чейин болушу керек.
invalid-above-max = Бул сынакта бир долбоор ала турган эң көп суммадан ашык: { $maximum } сом.

## Documents

doc-need-file = Файл жөнөтүңүз: документ (PDF, DOCX, XLSX, ODT) же сүрөт. Стикерлерди, үн билдирүүлөрүн жана жайгашкан жерди тиркөөгө болбойт.
doc-empty = Файл бош. Аны кайра жөнөтүңүз.
doc-too-big = Файлдын көлөмү { $size_mb } МБ, ал эми { $limit_mb } МБдан ашпашы керек. Аны кысыңыз же PDF катары сактаңыз, же барактарды сүрөт катары жөнөтүңүз.
doc-executable = Бул документ эмес, программа, ошондуктан файл кабыл алынган жок.
doc-macro = Макростуу Office файлдары (мисалы, .docm же .xlsm) коопсуздук үчүн кабыл алынбайт. Аны кадимки DOCX/XLSX же PDF катары сактаңыз.
doc-archive = Архивдер (ZIP, RAR, 7z…) кабыл алынбайт. Ар бир документти өзүнчө жөнөтүңүз.
doc-legacy-office = Эски Word/Excel файлдары (.doc, .xls) кабыл алынбайт. Аларды DOCX/XLSX же PDF катары сактаңыз.
doc-renamed = Файлдын аты «.{ $claimed }» дейт, бирок чындыгында бул { $actual }. Баштапкы файлды жөнөтүңүз.
doc-unknown-type = Мындай түрдөгү файл кабыл алынбайт. Болот: PDF, DOCX, XLSX, ODT, JPG, PNG.
doc-duplicate = Дал ушул файл мурунтан эле тиркелген («{ $name }»).
doc-accepted = ✅ «{ $name }» алынды (бул документ үчүн { $position }-файл). Дагы барактарды жөнөтүңүз же «Даяр» баскычын басыңыз.

## Clarifications (questions and answers about a call)

command-questions = КЭУлардын сынактарыңыз боюнча суроолору
qa-ask = ❓ Сынак боюнча суроо берүү
qa-list = 📖 Суроолор жана жооптор ({ $count })
qa-ask-prompt = Сынак боюнча суроооңузду жазыңыз (10–1000 белги). Жооп ушул жерге келет жана атыңызсыз сынактын ачык суроо-жоопторуна кошулат.
qa-asked = Суроооңуз мэрияга жөнөтүлдү. Жооп ушул жерге келет.
qa-staff-notice = ❓ «{ $title }» сынагы боюнча жаңы суроо:
    { $question }
    Ага /questions аркылуу жооп берсеңиз болот.
qa-none-open = Жооп берилбеген суроо жок.
qa-open-item = ❓ <b>{ $title }</b>
    { $question }
qa-answer = ✍️ Жооп берүү
qa-answer-prompt = Бул суроого жооп жазыңыз: «{ $question }». Ал сынактын суроо-жоопторунда (автордун атысыз) жарыяланат жана арыз баштагандардын баарына жөнөтүлөт.
qa-already-answered = Бул суроого мурунтан эле жооп берилген.
qa-answer-sent = Жооп жарыяланды жана таратылууда (алуучулар: { $count }).
qa-title = <b>Суроолор жана жооптор</b>: { $title }
qa-item = ❓ { $question }
    💬 { $answer }
qa-published = 💬 «{ $title }» сынагы боюнча жаңы жооп:
    ❓ { $question }
    { $answer }

## Бир уюмдун бир нече мүчөсү бир арызда

apply-card-ours = 📝 Уюмуңуздун арызы: { $state }, акыркы өзгөртүү { $when }.
apply-answer-taken =
    «{ $field }»: сиз жазып жатканда уюмуңуздагы кесиптешиңиз бул суроого жооп берди, ошондуктан сиздин жообуңуз сакталган жок. Азыркы жооп:
    { $current }

    Аны өз жообуңуз менен алмаштыруу үчүн жообуңузду кайра жөнөтүңүз. Бул жоопту калтыруу үчүн баскычты басыңыз.
apply-keep-answer = ✔️ Бул жоопту калтыруу
apply-eligibility-taken = Уюмуңуздагы кесиптешиңиз бул суроого жооп берип койгон: { $answer }. Анын жообу сакталды.
apply-already-submitted = Бул арыз мурунтан эле берилген (квитанция { $reference }, { $when }), балким уюмуңуздагы кесиптешиңиз тарабынан. Ал өзгөртүлгөн жок жана кайра берилген жок. Арызды өзгөртүү үчүн адегенде аны кайтарып алыңыз (мөөнөткө чейин).
apply-check-before-submit = Сиз арызды ачкандан кийин кесиптешиңиз аны өзгөрттү, ошондуктан ал берилген жок. Төмөндө текшерип, «Арызды берүү» баскычын кайра басыңыз.
