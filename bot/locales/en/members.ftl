## An organization's members (/profile → 👥 Members) and joining by a colleague's link

member-list-button = 👥 Members
member-list-title = 👥 <b>Members of “{ $organization }”</b> ({ $count }):
member-line = • { $name }, since { $since }
member-line-you = • { $name } (you), since { $since }
member-list-hint = Every member sees and changes the organization's applications and reports, and can invite or remove members.
member-invite-button = ➕ Invite a colleague
member-remove-button = 🚫 Remove { $name }
member-leave-button = 🚪 Leave the organization
member-invite-created =
    Send this link to your colleague only. It works once, for { $days } days:
    { $link }

    Whoever opens it is asked to agree to the processing of personal data and to join “{ $organization }”: they will see and change its applications and reports. You will be told when someone joins.
member-remove-confirm = Remove { $name } from “{ $organization }”? They will no longer see or change its applications and reports.
member-leave-confirm = Leave “{ $organization }”? You will no longer see or change its applications and reports; the other members keep them.
member-remove-yes = ✅ Yes, remove
member-leave-yes = ✅ Yes, leave
member-remove-no = ⬅️ No, back to the members
member-removed = { $name } is no longer a member of “{ $organization }”.
member-left = You have left “{ $organization }”. Your account and subscriptions stay; in /profile you can register another organization.
member-remove-last = You are the only member of “{ $organization }”, so you cannot leave it: it would be left with nobody. To delete your data and the organization's profile, use /forget.
member-removed-you = You are no longer a member of “{ $organization }”: { $by } removed you. Your account and subscriptions stay.
member-removed-notice = { $by } removed { $name } from “{ $organization }”.
member-left-notice = { $name } has left “{ $organization }”.
member-joined-notice = { $name } has joined “{ $organization }” by an invitation link and can now see and change its applications and reports. If none of you invited them, remove them: /profile → 👥 Members.
member-join-offer = You are invited to join “{ $organization }” (INN { $inn }) in SSP Bot as a member: together with its other members you will see and change its applications and reports.
member-join-yes = ✅ Agree and join
member-join-no = No, thanks
member-join-done = Welcome! You are now a member of “{ $organization }”. Its applications are in /calls, its reports in /reports.
member-join-declined = You did not join. Nothing was stored.
member-join-invalid = This invitation link is not valid: it was already used or has expired. Ask your colleague for a new one.
member-join-already = You are already a member of “{ $organization }”.
member-join-other = You already act for “{ $organization }”, and one person can act for only one organization. To join another, first leave it (/profile → 👥 Members → Leave), or delete your data with /forget.
