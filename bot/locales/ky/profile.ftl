## Main menu and commands added with the NCO features

menu-profile = 🏢 Менин уюмум
menu-subscriptions = 🔔 Жазылуулар
command-profile = Уюмуңуздун профили
command-subscriptions = Сиз көзөмөлдөгөн муниципалитеттер жана темалар
command-stop = Бардык билдирмелерди токтотуу
command-forget = Жеке маалыматтарыңызды өчүрүү
start-paused-note = ⏸ Билдирмелериңиз токтотулган. Аларды /subscriptions бөлүмүнөн кайра иштетсеңиз болот.

## Dialogues

dialogue-back = ⬅️ Артка
dialogue-cancel = ✖️ Жокко чыгаруу
dialogue-skip = ⏭ Өткөрүп жиберүү
dialogue-share-phone = 📱 Номеримди жөнөтүү
dialogue-resume = Токтогон жериңизден улантабыз — мурунку жоопторуңуз сакталган.
dialogue-nothing-before = Бул биринчи суроо.

## Consent

consent-text =
    Баштоодон мурун сиздин макулдугуңуз керек.

    Сизге сынактарды жөнөтүү жана арыз кабыл алуу үчүн SSP Bot төмөнкүлөрдү сактайт: Telegram аккаунтуңуздун номери жана аты (атыңызды уюмуңуздун башка мүчөлөрү гана көрөт), тандаган тилиңиз, уюмуңуз тууралуу маалымат (аталышы, уюштуруу-укуктук формасы, ИНН, муниципалитет, телефон, e-mail, сүрөттөмө) жана жазылууларыңыз. Мэриянын кызматкерлери уюмуңуздун маалыматын сиз алардын сынагына арыз бергенде гана көрүшөт.

    Маалыматты /profile аркылуу өзгөртүп, каалаган убакта /forget буйругу менен өчүрө аласыз. Макулсузбу?
consent-yes = ✅ Макулмун
consent-no = ✖️ Жок, рахмат
consent-recorded = Рахмат, макулдугуңуз катталды.
consent-declined = Түшүнүктүү: эч нерсе сакталган жок. /help аркылуу маалымат ала аласыз жана каалаган убакта кайтып келсеңиз болот.

## Organization profile

profile-step = { $total } суроонун { $number }-суроосу
profile-ask-name = Уюмуңуздун каттоодогудай толук аталышы кандай? ({ $minimum }–{ $maximum } белги)
profile-ask-legal_form = Анын уюштуруу-укуктук формасы кандай?
profile-ask-inn = Уюмдун салык төлөөчүнүн номери (ИНН) кандай? Анда 14 сан бар.
profile-ask-municipality = Уюм кайсы муниципалитетте иштейт?
profile-ask-phone = Байланыш телефону: өз номериңизди жөнөтүү үчүн төмөнкү баскычты басыңыз же номерди жазыңыз, мисалы +996 700 123 456.
profile-ask-email = E-mail дареги (милдеттүү эмес: жок болсо «Өткөрүп жиберүү» баскычын басыңыз).
profile-ask-description = Бир нече сүйлөм менен: уюмуңуз эмне иш кылат? ({ $minimum }–{ $maximum } белги)
legal-form-public_foundation = Коомдук фонд
legal-form-public_union = Коомдук бирикме
legal-form-association = Юридикалык жактардын ассоциациясы (бирлиги)
legal-form-other = Башка
profile-field-name = Аталышы
profile-field-legal_form = Формасы
profile-field-inn = ИНН
profile-field-municipality = Муниципалитет
profile-field-phone = Телефон
profile-field-email = E-mail
profile-field-description = Иши тууралуу
profile-line = <b>{ $field }:</b> { $value }
profile-none = —
profile-summary-title = Уюмуңуз тууралуу маалыматты текшериңиз:
profile-save = ✅ Сактоо
profile-edit-button = ✏️ { $field }
profile-saved = Сакталды: уюмуңуздун профили даяр.
profile-updated = Өзгөртүлдү.
profile-cancelled = Жокко чыгарылды. Эч нерсе сакталган жок.
profile-edit-cancelled = Жокко чыгарылды. Профиль өзгөргөн жок.
profile-card-title = <b>Сиздин уюм</b>
profile-card-hint = Маалыматты өзгөртүү үчүн тиешелүү баскычты басыңыз.

## Refusals: what is wrong with an answer

invalid-empty = Жооп бош. Аны жазыңыз.
invalid-no-letters = Эмодзи же белгилер гана эмес, тамга же сан колдонуңуз.
invalid-too-short = Өтө кыска: жок дегенде { $minimum } белги керек.
invalid-too-long = Өтө узун: { $length } белги, ал эми чеги — { $maximum }.
invalid-inn-not-digits = ИНН тамгасыз жана башка белгилерсиз сандардан гана турушу керек.
invalid-inn-length = ИННде 14 сан бар, сиз { $count } сан жөнөттүңүз.
invalid-inn-taken = Бул ИНН менен уюм SSP Botто катталган. Эгер анда иштесеңиз, аны каттаган кесиптешиңизге кайрылыңыз; ката деп ойлосоңуз, мэрияга кайрылыңыз.
invalid-phone = Бул телефон номерине окшобойт. Аны өлкөнүн коду менен жазыңыз, мисалы +996 700 123 456, же өз номериңизди жөнөтүү үчүн баскычты басыңыз.
invalid-email = Бул e-mail дарегине окшобойт (мисалы, info@example.kg). Жок болсо «Өткөрүп жиберүү» баскычын басыңыз.
invalid-need-text = Текст билдирүү менен жооп бериңиз.
invalid-use-buttons = Баскычтардын бирин тандаңыз.
invalid-required = Бул суроону өткөрүп жиберүүгө болбойт.

## Subscriptions

subs-title = <b>Сиздин жазылууларыңыз</b>
subs-none = Сиз азырынча бир да муниципалитетке жазылган жоксуз.
subs-all-topics = бардык темалар
subs-line = • { $municipality }: { $topics }
subs-paused = ⏸ Билдирмелер токтотулган.
subs-hint = Темаларды тандоо үчүн муниципалитетти басыңыз.
subs-pause = ⏸ Баарын токтотуу
subs-resume = ▶️ Улантуу
subs-done = ✔️ Даяр
subs-back = ⬅️ Артка
subs-municipality-title = <b>{ $municipality }</b>: сизди кайсы темалар кызыктырат?
subs-all-topics-button = Бардык темалар
subs-open-calls = Ылайыктуу { $count } сынак азыр ачык:
subs-saved = Сакталды.
subs-subscribed = Сиз «{ $municipality }» (бардык темалар) жазылдыңыз. Жаңы сынактар ушул жерге келет.

## Deep links

link-unknown = Бул шилтеме жараксыз же эскирген, ошондуктан башынан баштайбыз.
link-call-missing = Бул сынак табылган жок: балким, ал кайтарылып алынгандыр.
municipality-card =
    <b>{ $municipality }</b>
    Социалдык заказ аркылуу чечилүүчү артыкчылыктуу көйгөйлөр:
    { $topics }
municipality-subscribe = 🔔 Бардык темаларга жазылуу
municipality-choose-topics = Темаларды тандоо

## Leaving

stop-done = Токтотулду: сынактар жана эскертмелер келбейт. Каалаган убакта /subscriptions бөлүмүнөн улантсаңыз болот.
forget-confirm =
    Жеке маалыматтарыңызды өчүрөбүзбү?

    Өчүрүлөт: SSP Botтогу аккаунтуңуз, макулдугуңуз, жазылууларыңыз жана уюмуңуздун профили (эгер анын атынан кесиптешиңиз да иштебесе).
    Сакталат: мэрияга мурда берилген арыздар жана отчёттор — мамлекеттик социалдык заказ жөнүндө мыйзам талап кылгандай, мэрия аларды өз документтеринде сактайт.
forget-yes = 🗑 Ооба, өчүрүү
forget-no = Маалыматымды калтыруу
forget-done = Жеке маалыматтарыңыз өчүрүлдү. Кайтып келгиңиз келсе, /start жөнөтүңүз.
forget-kept = Эч нерсе өчүрүлгөн жок.
