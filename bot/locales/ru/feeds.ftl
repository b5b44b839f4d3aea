## Публичная лента открытых конкурсов

feed-title = Открытые конкурсы: государственный социальный заказ
feed-author = SSP Bot
feed-budget = бюджет { $budget }
feed-deadline = срок { $deadline } (время { $zone })
