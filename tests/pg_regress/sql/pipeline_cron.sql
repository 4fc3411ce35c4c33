-- The scheduled refresh: pg_cron (preloaded by scripts/cluster.sh) runs
-- china.refresh() and a newly loaded year reaches the downstream views.
-- Needs the pipeline built by pipeline.sql. Waits for the next minute
-- boundary (pg_cron's resolution), so up to a minute.
DELETE FROM china.industry_employment WHERE year = 2020;
DELETE FROM china.yearbook WHERE year = 2020;
SELECT china.refresh() AS views_refreshed;
\copy china.yearbook FROM 'data/china_yearbook/holdout_2020/yearbook.csv' CSV HEADER
\copy china.industry_employment FROM 'data/china_yearbook/holdout_2020/industry_employment.csv' CSV HEADER
SELECT count(*) AS coupling_2020_before FROM china.coupling WHERE year = 2020;
\c postgres
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_cron;
RESET client_min_messages;
SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = 'regecon-test-refresh';
-- the job runs with an empty search_path, as a job of a careful administrator
-- (or pg_restore) would: the pipeline must not depend on the caller's path
SELECT cron.schedule_in_database('regecon-test-refresh', '* * * * *',
                                 'SET search_path = ''''; SELECT china.refresh()', 'regecon_regress') > 0
       AS scheduled;
DO $$
BEGIN
    FOR i IN 1..180 LOOP
        PERFORM pg_sleep(0.5);
        EXIT WHEN EXISTS (SELECT 1 FROM cron.job_run_details d JOIN cron.job j USING (jobid)
                          WHERE j.jobname = 'regecon-test-refresh' AND d.status IN ('succeeded', 'failed'));
    END LOOP;
END $$;
SELECT d.status, d.return_message IN ('SET', 'SELECT 1') AS ran_both_statements FROM cron.job_run_details d JOIN cron.job j USING (jobid)
WHERE j.jobname = 'regecon-test-refresh' ORDER BY d.runid LIMIT 1;
SELECT cron.unschedule('regecon-test-refresh');
\c regecon_regress
SELECT (SELECT count(*) FROM china.coupling WHERE year = 2020) AS coupling_2020,
       (SELECT count(*) FROM china.table1 WHERE year = 2020) AS table1_2020,
       (SELECT n_obs FROM china.table2_summary WHERE grp = 'Total') AS tobit_total_rows;
