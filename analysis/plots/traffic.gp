# Share traffic per resolver against the number of resolvers, one line per transport.
# gnuplot -c traffic.gp DATA.tsv OUT.png "TRANSPORTS" "CAPTION"
# DATA.tsv: one block per transport, columns: nodes, messages per node per s (mean, min, max),
# bytes per node per s (mean), with IP/UDP headers.
set terminal pngcairo size 960,600 enhanced font "Sans,11"
set output ARG2
set title "Share traffic sent per resolver" font ",13"
set xlabel "resolvers"
set ylabel "messages per resolver per second"
set y2label "bytes per resolver per second (with IP/UDP headers)"
set logscale x 2
set xtics 2
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set grid
set key top left box opaque
set bmargin 6
set label 1 ARG4 at screen 0.01, 0.02 font ",8" noenhanced
plot for [i=1:words(ARG3)] ARG1 index (i-1) using 1:2:3:4 with yerrorlines lw 2 pt 7 \
       title "messages: ".word(ARG3, i), \
     for [i=1:words(ARG3)] ARG1 index (i-1) using 1:5 axes x1y2 with linespoints dt 2 lw 2 pt 5 \
       title "bytes: ".word(ARG3, i)
