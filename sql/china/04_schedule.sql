-- regecon: the paper's study as SQL, stage 6: refresh on a schedule.
--
-- pg_cron runs china.refresh() every morning, so a new year loaded into the
-- yearbook tables flows through every stage (REFRESH ... CONCURRENTLY: the
-- views stay readable meanwhile). The cluster must preload pg_cron
-- (shared_preload_libraries = 'pg_cron'); run this file in the database named
-- by cron.database_name ('postgres' by default) with
--   psql -d postgres -v pipeline_db=YOUR_DATABASE -f sql/china/04_schedule.sql
CREATE EXTENSION IF NOT EXISTS pg_cron;
SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = 'regecon-china-refresh';
SELECT cron.schedule_in_database('regecon-china-refresh', '15 6 * * *', 'SELECT china.refresh()', :'pipeline_db')
       AS jobid;
