## Main menu and commands added with the NCO features

menu-profile = 🏢 My organization
menu-subscriptions = 🔔 Subscriptions
command-profile = Your organization's profile
command-subscriptions = Municipalities and topics you follow
command-stop = Pause all notifications
command-forget = Delete your personal data
start-paused-note = ⏸ Your notifications are paused. Resume them in /subscriptions.

## Dialogues

dialogue-back = ⬅️ Back
dialogue-cancel = ✖️ Cancel
dialogue-skip = ⏭ Skip
dialogue-share-phone = 📱 Share my phone number
dialogue-resume = Let's continue where you stopped — your earlier answers are kept.
dialogue-nothing-before = This is the first question.

## Consent

consent-text =
    Before we start, your consent is needed.

    To send you calls for proposals and to let you apply, SSP Bot stores: your Telegram account number and name (shown only to the other members of your organization), the language you chose, your organization's details (name, legal form, INN, municipality, phone, e-mail, description) and your subscriptions. The staff of a municipality see your organization's details only when you apply to its call.

    You can change your details in /profile and delete them at any time with /forget. Do you agree?
consent-yes = ✅ I agree
consent-no = ✖️ No, thanks
consent-recorded = Thank you, your consent is recorded.
consent-declined = Understood: nothing was stored. You can still read /help and come back at any time.

## Organization profile

profile-step = Question { $number } of { $total }
profile-ask-name = What is your organization's full name, as registered? ({ $minimum }–{ $maximum } characters)
profile-ask-legal_form = What is its legal form?
profile-ask-inn = What is its taxpayer number (INN)? It has 14 digits.
profile-ask-municipality = In which municipality does it work?
profile-ask-phone = A contact phone number: tap the button below to share yours, or type one, e.g. +996 700 123 456.
profile-ask-email = An e-mail address (optional: tap “Skip” if there is none).
profile-ask-description = In a few sentences, what does your organization do? ({ $minimum }–{ $maximum } characters)
legal-form-public_foundation = Public foundation
legal-form-public_union = Public union
legal-form-association = Association (union) of legal entities
legal-form-other = Other
profile-field-name = Name
profile-field-legal_form = Legal form
profile-field-inn = INN
profile-field-municipality = Municipality
profile-field-phone = Phone
profile-field-email = E-mail
profile-field-description = About
profile-line = <b>{ $field }:</b> { $value }
profile-none = —
profile-summary-title = Please check your organization's details:
profile-save = ✅ Save
profile-edit-button = ✏️ { $field }
profile-saved = Saved: your organization's profile is ready.
profile-updated = Updated.
profile-cancelled = Cancelled. Nothing was saved.
profile-edit-cancelled = Cancelled. Your profile is unchanged.
profile-card-title = <b>Your organization</b>
profile-card-hint = To change a detail, tap its button.

## Refusals: what is wrong with an answer

invalid-empty = The answer is empty. Please type it.
invalid-no-letters = Please use letters or digits, not only emoji or symbols.
invalid-too-short = That is too short: at least { $minimum } characters, please.
invalid-too-long = That is too long: { $length } characters, and the limit is { $maximum }.
invalid-inn-not-digits = The INN must contain digits only, without letters or other signs.
invalid-inn-length = The INN has 14 digits; you sent { $count }.
invalid-inn-taken = An organization with this INN is already registered in SSP Bot. If you work for it, ask the colleague who registered it; if you think this is a mistake, contact the municipality.
invalid-phone = That does not look like a phone number. Please type it with the country code, e.g. +996 700 123 456, or tap the button to share yours.
invalid-email = That does not look like an e-mail address (e.g. info@example.kg). Tap “Skip” if there is none.
invalid-need-text = Please answer with a text message.
invalid-use-buttons = Please choose one of the buttons.
invalid-required = This question cannot be skipped.

## Subscriptions

subs-title = <b>Your subscriptions</b>
subs-none = You are not subscribed to any municipality yet.
subs-all-topics = all topics
subs-line = • { $municipality }: { $topics }
subs-paused = ⏸ Notifications are paused.
subs-hint = Tap a municipality to choose its topics.
subs-pause = ⏸ Pause all
subs-resume = ▶️ Resume
subs-done = ✔️ Done
subs-back = ⬅️ Back
subs-municipality-title = <b>{ $municipality }</b>: which topics interest you?
subs-all-topics-button = All topics
subs-open-calls = { $count ->
        [one] One call that matches is already open:
       *[other] { $count } calls that match are already open:
    }
subs-saved = Saved.
subs-subscribed = You are subscribed to { $municipality } (all topics). New calls for proposals will come here.

## Deep links

link-unknown = This link is not valid or has expired, so here is the start instead.
link-call-missing = This call for proposals was not found: it may have been withdrawn.
municipality-card =
    <b>{ $municipality }</b>
    Priority issues it funds through social procurement:
    { $topics }
municipality-subscribe = 🔔 Subscribe to all topics
municipality-choose-topics = Choose topics

## Leaving

stop-done = Paused: you will get no calls or reminders. Resume at any time in /subscriptions.
forget-confirm =
    Delete your personal data?

    Deleted: your account in SSP Bot, your consent, your subscriptions, and your organization's profile (unless a colleague also acts for it).
    Kept: applications and reports already submitted to a municipality — the municipality keeps them in its records, as the law on state social procurement requires.
forget-yes = 🗑 Yes, delete
forget-no = Keep my data
forget-done = Your personal data has been deleted. Send /start if you want to come back.
forget-kept = Nothing was deleted.
