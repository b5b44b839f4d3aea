## Ачык сынактардын коомдук тасмасы

feed-title = Ачык сынактар: мамлекеттик социалдык заказ
feed-author = SSP Bot
feed-budget = бюджети { $budget }
feed-deadline = мөөнөтү { $deadline } ({ $zone } убактысы)
