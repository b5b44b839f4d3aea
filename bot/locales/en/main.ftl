## Start, language, help, menu

start-welcome =
    Hello, { $name }! I am <b>SSP Bot</b>, the state social procurement assistant.
    Mayor's offices fund non-commercial organizations to solve local problems. Here you can follow their calls for proposals, apply and report.
start-welcome-back = Welcome back, { $name }!
language-prompt = Please choose your language:
language-current = ✅ { $language }
language-saved = Language: English. You can change it at any time with /language.
language-unchanged = The language stays English.
menu-title = Main menu. Choose what you need:
menu-language = 🌐 Language
menu-help = ❓ Help
help-text =
    <b>SSP Bot</b> connects mayor's offices with non-commercial organizations (NCOs) under the Law on State Social Procurement.

    • NCOs: describe your organization once, subscribe to the municipalities and topics you work on, and get every new call for proposals here.
    • Municipal staff: publish calls, review applications with the commission, announce decisions.

    Commands:
    /start — start over and show the main menu
    /profile — your organization's profile
    /subscriptions — which municipalities and topics you hear about
    /reports — your organization's reports after an award (staff: the reports of each call)
    /language — change the language
    /stop — pause all notifications
    /forget — delete your personal data
    /help — this help
unknown-text = I did not understand that. Please use the menu below or /help.
unsupported-message = I can only read text messages here. Please use the menu below or /help.

## Errors and stale input

error-generic = Sorry, something went wrong on our side. Nothing you entered was lost — please try again in a moment.
button-stale = This button is no longer valid. Please use the latest message.

## Command menu descriptions (max 256 characters)

command-start = Start and show the main menu
command-language = Change the language
command-help = What this bot does
command-reports = Reports after an award

## The name of this language, in itself (used on the language buttons)

language-name = English
