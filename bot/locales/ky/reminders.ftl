## Эскертмелер (bot/reminders.py, handlers/reminders.py) жана календарлар (handlers/calendar.py)

reminder-left-days = { $count } күн
reminder-left-hours = { $count } саат
reminder-draft = ⏰ «{ $title }» сынагына арыз берүүгө <b>{ $left } калды</b>: мөөнөтү — { $when } ({ $zone }).
reminder-subscriber = ⏰ «{ $title }» сынагына арыз кабыл алуу <b>{ $left }</b> кийин жабылат ({ $when }, { $zone }). Сиз арыз баштай элексиз.
reminder-missing = Дагы жетишпейт:
    { $items }
reminder-missing-eligibility = талаптарга шайкештик суроолоруна жооптор
reminder-continue = 📝 Арызды улантуу
reminder-open = 📄 Сынакты ачуу
reminder-mute = 🔕 Бул сынак жөнүндө мындан ары эскертпөө
reminder-muted = 🔕 «{ $title }» сынагы жөнүндө эскертмелер мындан ары келбейт.
reminder-mute-refused = Бул баскыч сиз үчүн эмес же эскирген: эч нерсе өзгөргөн жок.
reminder-rules-invalid = Эскертме эрежелери туура эмес ({ $field }).
reminder-sheet = ⏰ «{ $title }» сынагына арыз кабыл алуу { $when } ({ $zone }) жабылды, бирок сиздин баалоо баракчаңыз али тапшырыла элек. Бааланган арыздар: <b>{ $total } ичинен { $done }</b>. Баалоону бүтүрүп, баракчаны тапшырыңыз.
reminder-sheet-open = 📝 Баалоо баракчамды ачуу
calendar-button = 📅 Мөөнөттү календарга кошуу
calendar-caption = 📅 «{ $title }» телефонуңуздун календарына кошуу үчүн файлды ачыңыз ({ $when }, { $zone }).
calendar-all-caption = 📅 Жакынкы даталарыңыз ({ $count }): аларды телефонуңуздун календарына кошуу үчүн файлды ачыңыз.
calendar-none = Жакынкы даталар жок: бул жерде сиз арыз берген же жазылган сынактардын мөөнөттөрү көрүнөт.
calendar-event-deadline = Мөөнөт: { $title }
calendar-event-description = «{ $title }» сынагына арыз берүү мөөнөтү ({ $municipality }).
calendar-alarm = «{ $title }» боюнча арыз берүү мөөнөтүнө 1 күн калды.
reminder-report-due = ⏰ «{ $title }» сынагы боюнча { $report } тапшырууга <b>{ $left } калды</b>: мөөнөтү — { $when } ({ $zone }).
reminder-report-overdue = ⚠️ «{ $title }» сынагы боюнча { $report } тапшыруу мөөнөтү { $when } ({ $zone }) бүткөн, мындан { $days } күн мурун. Аны мүмкүн болушунча тезирээк тапшырыңыз.
reminder-report-changes = Мэрия отчётту оңдоону суранган: аны оңдоп, кайра жөнөтүңүз.
reminder-escalation = ⚠️ «{ $title }» сынагы боюнча <b>мөөнөтү өткөн отчёттор</b>:
    { $items }
reminder-escalation-line = • { $organization } · { $report } · мөөнөтү { $when } болчу ({ $days } күн мурун)
calendar-event-report = Отчёттун мөөнөтү: { $report } — { $title }
calendar-event-report-description = «{ $title }» сынагы боюнча { $report } ({ $municipality }).
calendar-alarm-report = «{ $title }» сынагы боюнча { $report } тапшырууга 1 күн калды.
calendar-report-caption = 📅 «{ $title }» сынагы боюнча { $report } мөөнөтүн телефонуңуздун календарына кошуу үчүн файлды ачыңыз ({ $when }, { $zone }).
