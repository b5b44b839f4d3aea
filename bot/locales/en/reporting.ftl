# Reporting after an award: the NCO's reports, the staff's review, extensions.

rep-invalid-negative = The number cannot be negative.
rep-invalid-whole-number = Please send a whole number, for example 120.
rep-invalid-too-many = That is more than { $maximum }; please check the number.
rep-spent-above-award = That is more than the award leaves after your other reports: at most { $remaining } soms.
rep-already-filed = This report has already been filed and is waiting for the municipality's review.
rep-already-accepted = This report has already been accepted; nothing more can be changed.
rep-not-filed = This report has not been filed (or was sent back), so there is nothing to review.
rep-extension-past = The new due date must be in the future.
rep-extension-not-later = The new due date must be later than the current one.
