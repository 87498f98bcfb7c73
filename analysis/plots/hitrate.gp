# Hit rate against the number of resolvers, one line per share transport.
# gnuplot -c hitrate.gp DATA.tsv OUT.png "TRANSPORTS" "CAPTION"
# DATA.tsv: one block per transport (blocks separated by two blank lines), columns:
# nodes, mean hit rate %, min %, max % (over repetitions), own %, from peers %.
set terminal pngcairo size 960,600 enhanced font "Sans,11"
set output ARG2
set title "Cache hit rate against the number of cooperating resolvers" font ",13"
set xlabel "resolvers"
set ylabel "hit rate (% of client queries)"
set logscale x 2
set xtics 2
set yrange [0:100]
set grid
set key bottom right box opaque
set bmargin 6
set label 1 ARG4 at screen 0.01, 0.02 font ",8" noenhanced
plot for [i=1:words(ARG3)] ARG1 index (i-1) using 1:2:3:4 with yerrorlines lw 2 pt 7 \
       title (word(ARG3, i) eq "none" ? "without sharing" : "sharing: ".word(ARG3, i)), \
     for [i=1:words(ARG3)] ARG1 index (i-1) using 1:(word(ARG3, i) eq "none" ? NaN : $6) \
       with linespoints dt 2 lw 1 pt 6 \
       title (word(ARG3, i) eq "none" ? "" : "of which from peers (".word(ARG3, i).")")
