-- query.sql - the KPIs of kpis.conf in SQL, for sqlite3 -json (which
-- prints reals with 20 digits, so that the comparison sees every bit).
CREATE TEMP TABLE b AS
  SELECT strftime('%Y-%m', received_at) AS period, intent, status, channel, received_at,
         value, value_num, items,
         (strftime('%s', responded_at) - strftime('%s', received_at)) / 60.0 AS resp
  FROM r;
CREATE TEMP VIEW ranked AS
  SELECT period, intent, resp,
         row_number() OVER (PARTITION BY period, intent ORDER BY resp) - 1 AS i,
         count(*) OVER (PARTITION BY period, intent) AS n
  FROM b WHERE resp IS NOT NULL;
-- the q-quantile as DuckDB's quantile_cont: h = q (n-1), interpolate
-- between the values of ranks floor(h) and floor(h) + 1
CREATE TEMP TABLE quant AS
  SELECT period, intent, q,
         lo + (h - floor(h)) * (coalesce(hi, lo) - lo) AS v
  FROM (SELECT period, intent, q.q AS q, q.q * (n - 1) AS h,
               max(CASE WHEN i = CAST(q.q * (n - 1) AS INT) THEN resp END) AS lo,
               max(CASE WHEN i = CAST(q.q * (n - 1) AS INT) + 1 THEN resp END) AS hi
        FROM ranked, (SELECT 0.5 AS q UNION ALL SELECT 0.9 UNION ALL SELECT 0.25) AS q
        GROUP BY period, intent, q.q);
CREATE TEMP TABLE firsts AS
  SELECT period, intent, channel AS first_ch FROM
    (SELECT period, intent, channel, row_number() OVER
            (PARTITION BY period, intent ORDER BY received_at, channel) AS k
     FROM b WHERE received_at IS NOT NULL)
  WHERE k = 1;
CREATE TEMP TABLE lasts AS
  SELECT period, intent, status AS last_status FROM
    (SELECT period, intent, status, row_number() OVER
            (PARTITION BY period, intent ORDER BY received_at DESC, status DESC) AS k
     FROM b WHERE received_at IS NOT NULL)
  WHERE k = 1;
CREATE TEMP TABLE main AS
  SELECT period, intent, count(*) AS n, count(value) AS n_value, sum(items) AS items,
         sum(value_num) AS value_sum, avg(value_num) AS value_mean,
         min(value_num) AS value_min, max(value_num) AS value_max,
         avg(resp) AS resp_mean, count(DISTINCT channel) AS channels,
         CAST(sum(status = 'won') AS REAL) / count(*) AS won,
         CAST(sum(status = 'won' AND channel = 'web') AS REAL) / sum(channel = 'web') AS web_won
  FROM b GROUP BY period, intent;
CREATE TEMP TABLE sd AS
  SELECT b.period, b.intent,
         sqrt(sum((value_num - m.value_mean) * (value_num - m.value_mean)) / (count(value_num) - 1)) AS value_sd
  FROM b JOIN main m ON b.period IS m.period AND b.intent IS m.intent
  GROUP BY b.period, b.intent HAVING count(value_num) > 1;
CREATE TEMP TABLE qs AS
  SELECT period, intent, max(CASE WHEN q = 0.5 THEN v END) AS resp_p50,
         max(CASE WHEN q = 0.9 THEN v END) AS resp_p90, max(CASE WHEN q = 0.25 THEN v END) AS resp_p25
  FROM quant GROUP BY period, intent;
SELECT m.period, m.intent, n, n_value, items, value_sum, value_mean, value_min, value_max, value_sd,
       resp_mean, resp_p50, resp_p90, resp_p25, channels, won, web_won, first_ch, last_status
FROM main m
  LEFT JOIN sd ON sd.period IS m.period AND sd.intent IS m.intent
  LEFT JOIN qs ON qs.period IS m.period AND qs.intent IS m.intent
  LEFT JOIN firsts f ON f.period IS m.period AND f.intent IS m.intent
  LEFT JOIN lasts l ON l.period IS m.period AND l.intent IS m.intent;
