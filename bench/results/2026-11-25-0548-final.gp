set terminal pngcairo size 1200,500 font ',10'
set output '2026-11-25-0548-final.png'
set datafile missing '?'
set multiplot layout 1,2 title 'SELECT * FROM t, 2 CPUs (Intel(R) Xeon(R) Processor), 2026-11-25T05:52:26Z'
set logscale x 2
set xlabel 'connections'
set key top left
set grid
set ylabel 'queries per second'
set yrange [0:*]
plot '2026-11-25-0548-final.dat' using 1:2 with lp lw 2 pt 7 title 'pgpeek simple', '2026-11-25-0548-final.dat' using 1:4 with lp lw 2 pt 7 title 'pgpeek prepared', '2026-11-25-0548-final.dat' using 1:6 with lp lw 2 pt 5 dt 2 title 'PostgreSQL 15 simple', '2026-11-25-0548-final.dat' using 1:8 with lp lw 2 pt 5 dt 2 title 'PostgreSQL 15 prepared', '2026-11-25-0548-final.dat' using 1:10 with lp lw 1 pt 1 dt 3 title 'floor (canned replies) simple', '2026-11-25-0548-final.dat' using 1:12 with lp lw 1 pt 1 dt 3 title 'floor (canned replies) prepared'
set ylabel 'p99 latency (ms)'
set logscale y 10
set yrange [*:*]
plot '2026-11-25-0548-final.dat' using 1:3 with lp lw 2 pt 7 title 'pgpeek simple', '2026-11-25-0548-final.dat' using 1:5 with lp lw 2 pt 7 title 'pgpeek prepared', '2026-11-25-0548-final.dat' using 1:7 with lp lw 2 pt 5 dt 2 title 'PostgreSQL 15 simple', '2026-11-25-0548-final.dat' using 1:9 with lp lw 2 pt 5 dt 2 title 'PostgreSQL 15 prepared', '2026-11-25-0548-final.dat' using 1:11 with lp lw 1 pt 1 dt 3 title 'floor (canned replies) simple', '2026-11-25-0548-final.dat' using 1:13 with lp lw 1 pt 1 dt 3 title 'floor (canned replies) prepared'
unset multiplot
