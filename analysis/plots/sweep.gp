# One figure of a sweep: a measure against the swept key on the x axis, one line per series (the
# other swept keys), the mean over repetitions with its 95 % confidence interval as a band
# (numeric x) or error bars (categorical x).
#   gnuplot -c sweep.gp DATA.tsv OUT FORMAT TITLE XLABEL YLABEL CAPTION OPTIONS SERIES
# FORMAT: png, svg or pdf. OPTIONS: words among logx (log2 x axis), categorical (x values are
# labels), percent (y from 0 to 100). SERIES: number of data blocks.
# DATA.tsv: one block per series, blocks separated by two blank lines; each block starts with a
# header line whose first field is the series label, then rows: x, mean, ci low, ci high, runs.
if (ARG3 eq "svg") {
    set terminal svg size 960,600 dynamic enhanced font "Sans,12" background "white"
} else {
    if (ARG3 eq "pdf") {
        set terminal pdfcairo size 16cm,10cm enhanced font "Sans,9"
    } else {
        set terminal pngcairo size 960,600 enhanced font "Sans,11"
    }
}
set output ARG2
# Okabe-Ito colours (distinguishable with colour-blindness), then repeated with dashes; each
# series also has its own point shape, so that lines drawn on top of each other stay visible.
array colours[8] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999"]
do for [i=1:24] {
    set linetype i lc rgb colours[(i-1)%8+1] lw 2 pt ((i-1)%7*2+5) ps 1.1
}
do for [i=9:16] { set linetype i dt 2 }
do for [i=17:24] { set linetype i dt 4 }
set title ARG4 font ",13" noenhanced
set xlabel ARG5 noenhanced
set ylabel ARG6 noenhanced
set grid
set key below center horizontal box opaque noenhanced maxcols 3 height 0.5
set bmargin 7
set label 1 ARG7 at screen 0.5, 0.975 center font ",8" noenhanced
set tmargin 4
set yrange [0:*]
set offsets 0, 0, graph 0.05, 0
if (strstrt(ARG8, "percent")) { set yrange [0:100] }
if (strstrt(ARG8, "logx")) { set logscale x 2 }
n = int(ARG9)
if (strstrt(ARG8, "categorical")) {
    set offsets 0.5, 0.5, graph 0.05, 0
    set xtics rotate by -20
    plot for [i=0:n-1] ARG1 index i using 0:2:3:4:xticlabels(1) with yerrorlines lt i+1 \
           title columnheader(1)
} else {
    plot for [i=0:n-1] ARG1 index i using 1:3:4 with filledcurves fs transparent solid 0.18 noborder \
           lc rgb colours[i%8+1] notitle, \
         for [i=0:n-1] ARG1 index i using 1:2 with linespoints lt i+1 title columnheader(1)
}
