## Browsing calls and applying

apply-no-open-calls = There are no open calls for proposals right now. Subscribe in /subscriptions to hear about new ones.
apply-calls-title = <b>Open calls for proposals</b> ({ $count }; page { $page } of { $pages }). ⭐ — matches your subscriptions; 📝 — your organization's draft; ✅ — submitted.
apply-time-left = ⏳ Time left: { $days } d { $hours } h.
apply-start = 📝 Apply
apply-continue = 📝 Continue my application
apply-closed = Applications to this call are closed: the deadline has passed or the call is no longer open. Your draft can be read but not changed.
apply-needs-profile = To apply, first describe your organization: /profile.
apply-eligibility-step = Eligibility, question { $number } of { $total }:
apply-yes = ✅ Yes
apply-no = ❌ No
apply-not-eligible-reason = Unfortunately your organization cannot apply to this call. { $reason }
apply-change-answer = I answered wrongly — change my answer
apply-form-step = Application form, question { $number } of { $total }:
apply-ask-project_title = The title of your project ({ $minimum }–{ $maximum } characters):
apply-ask-summary = A summary: the problem, what you will do, and the results you expect ({ $minimum }–{ $maximum } characters):
apply-ask-target_group = Who will benefit (the target group)? ({ $minimum }–{ $maximum } characters)
apply-ask-beneficiaries = How many people will benefit? (a number)
apply-ask-requested_amount = How much do you request, in soms? (at most { $maximum })
apply-ask-duration_months = How many months will the project last?
apply-ask-co_financing = Your own or partners' contribution, in soms (0 if none):
apply-field-project_title = Project
apply-field-summary = Summary
apply-field-target_group = Target group
apply-field-beneficiaries = Beneficiaries
apply-field-requested_amount = Requested, soms
apply-field-duration_months = Months
apply-field-co_financing = Co-financing, soms
apply-overview-title = <b>Your application</b>: { $title }
apply-status-draft = Status: draft (not submitted yet).
apply-status-submitted = Status: submitted ✅ Receipt { $reference }.
apply-status-withdrawn = Status: withdrawn. You can submit it again before the deadline.
apply-status-under_review = Status: under review.
apply-checklist = <b>Documents</b> (✅ attached, ⬜️ required, ▫️ optional):
apply-upload = 📎 Upload documents
apply-submit = ✅ Submit the application
apply-withdraw = ↩️ Withdraw the application
apply-not-eligible = • The eligibility questions are not all answered “yes”.
apply-form-incomplete = • The form is not complete.
apply-documents-missing = • Required documents are missing.
apply-choose-document = Which document will you send? Files up to { $limit } MB: PDF, Word (DOCX), Excel (XLSX), ODT, or photos (JPG, PNG).
apply-send-files = Send the file(s) for “{ $document }” — as a document or photos, several pages one after another (up to { $limit } MB each). Then tap Done.
apply-upload-done = ✔️ Done
apply-remove-files = 🗑 Remove the files sent for this document
apply-back-to-overview = ⬅️ Back to the application
apply-paused = Your application is saved as it is. Continue it any time from the call's card in /calls.
apply-changed-meanwhile = A colleague from your organization has just changed this application; nothing of theirs was overwritten. Here is the question again with the current answers.
apply-receipt =
    ✅ <b>Application submitted.</b>
    Receipt number: <b>{ $reference }</b>
    Call: { $title }
    Submitted: { $when }
    Documents:
    { $documents }
    You can withdraw it and submit again until the deadline.
apply-withdrawn = The application is withdrawn. You can submit it again before the deadline.
apply-staff-notice = 📥 New applications to “{ $title }”. See /submissions.
apply-no-submissions = No applications yet.
apply-state-submitted = submitted
apply-state-withdrawn = withdrawn
apply-state-under_review = under review
apply-state-draft = draft

## Refusals in the form

invalid-number = Please type a whole number, e.g. 120.
invalid-number-negative = The number cannot be negative.
invalid-number-range = The number must be from { $minimum } to { $maximum }.
invalid-above-max = That is above the most one project may receive under this call: { $maximum } soms.

## Documents

doc-need-file = Please send a file: a document (PDF, DOCX, XLSX, ODT) or a photo. Stickers, voice messages and locations cannot be attached.
doc-empty = The file is empty. Please send it again.
doc-too-big = The file is { $size_mb } MB; files can be at most { $limit_mb } MB. Please compress it or save it as PDF, or send the pages as photos.
doc-executable = This file is a program, not a document, so it is refused.
doc-macro = Office files with macros (such as .docm or .xlsm) are refused for safety. Please save it as an ordinary DOCX/XLSX or as PDF.
doc-archive = Archives (ZIP, RAR, 7z…) cannot be accepted. Please send each document separately.
doc-legacy-office = Old Word/Excel files (.doc, .xls) cannot be accepted. Please save it as DOCX/XLSX or PDF.
doc-renamed = The file's name says .{ $claimed }, but it is really { $actual }. Please send the original file.
doc-unknown-type = This type of file cannot be accepted. Allowed: PDF, DOCX, XLSX, ODT, JPG, PNG.
doc-duplicate = This very file is already attached (“{ $name }”).
doc-accepted = ✅ Received “{ $name }” (file { $position } for this document). Send more pages, or tap Done.

## Clarifications (questions and answers about a call)

command-questions = Questions from NCOs about your calls
qa-ask = ❓ Ask a question about this call
qa-list = 📖 Questions and answers ({ $count })
qa-ask-prompt = Type your question about this call (10–1000 characters). The answer will come here and, without your name, join the call's public questions and answers.
qa-asked = Your question has been sent to the municipality. The answer will come here.
qa-staff-notice = ❓ A new question about “{ $title }”:
    { $question }
    Answer it in /questions.
qa-none-open = There are no unanswered questions.
qa-open-item = ❓ <b>{ $title }</b>
    { $question }
qa-answer = ✍️ Answer
qa-answer-prompt = Type the answer to: “{ $question }”. It will be published in the call's Q&A (without the asker's name) and sent to everyone who has started an application.
qa-already-answered = This question has already been answered.
qa-answer-sent = The answer is published and being sent ({ $count } recipients).
qa-title = <b>Questions and answers</b>: { $title }
qa-item = ❓ { $question }
    💬 { $answer }
qa-published = 💬 A new answer about “{ $title }”:
    ❓ { $question }
    { $answer }

## Several members of one organization on one application

apply-card-ours = 📝 Your organization's application: { $state }, last changed { $when }.
apply-answer-taken =
    “{ $field }”: a colleague from your organization answered this question while you were writing, so your answer was not saved. The answer now is:
    { $current }

    To replace it with yours, send your answer again. To keep this one, tap the button.
apply-keep-answer = ✔️ Keep this answer
apply-eligibility-taken = A colleague from your organization has already answered this question: { $answer }. Their answer stays.
apply-already-submitted = This application has already been submitted (receipt { $reference }, { $when }), perhaps by a colleague from your organization. It is not changed or submitted again. To change it, withdraw it first (before the deadline).
apply-check-before-submit = A colleague changed the application after you opened it, so it was not submitted. Please check it below and tap “Submit the application” again.
