/**
 * The Vafa dashboard's charts (WooCommerce > Vafa Dashboard), drawn with
 * Chart.js from the figures the page passes in window.vafaDashboard:
 * points issued, redeemed and expired per day, new and returning customers
 * and the repeat purchase rate per month, and customers per RFM segment.
 *
 * Dates and numbers are written with Intl in the locale the page gives
 * (fa-IR-u-ca-persian-nu-arabext for Persian: Jalali dates in Persian
 * digits); right to left, the x axes run from the right and legends and
 * tooltips are mirrored. Each canvas gets data-total (the sum of what it
 * draws) and data-first-label once drawn, which the integration test
 * compares with the service and the calendar.
 * Built with @wordpress/scripts (npm run build in plugin-php/); the built
 * file and its dependency list are committed in assets/build/.
 */
import {
	Chart,
	BarController,
	BarElement,
	CategoryScale,
	Filler,
	Legend,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	Tooltip,
} from 'chart.js';
import { __ } from '@wordpress/i18n';

Chart.register( BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip );

const data = window.vafaDashboard || {};
const rtl = !! data.rtl;
const locale = data.intlLocale || 'en-US';
const colors = { blue: '#2271b1', green: '#00a32a', orange: '#dba617', red: '#d63638', grey: '#8c8f94', purple: '#8c5fc7' };

// Days are store-local calendar days: format them at UTC noon so no time
// zone moves them to a neighbouring day.
const at = ( day ) => new Date( day + 'T12:00:00Z' );
const dayTick = new Intl.DateTimeFormat( locale, { day: 'numeric', month: 'short', timeZone: 'UTC' } );
const dayFull = new Intl.DateTimeFormat( locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' } );
// A Gregorian month starts mid-month in the Persian calendar: name it by its first day there.
const monthTick = new Intl.DateTimeFormat(
	locale,
	data.jalali ? { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' } : { month: 'short', year: 'numeric', timeZone: 'UTC' }
);
const integer = new Intl.NumberFormat( locale, { maximumFractionDigits: 0 } );
const percent = new Intl.NumberFormat( locale, { style: 'percent', maximumFractionDigits: 2 } );

Chart.defaults.font.family = getComputedStyle( document.body ).fontFamily || Chart.defaults.font.family;
Chart.defaults.animation = false;

const sum = ( values ) => values.reduce( ( a, b ) => a + ( Number( b ) || 0 ), 0 );

const options = ( { yFormat = ( v ) => integer.format( v ), stacked = false, horizontal = false, tooltipTitle } = {} ) => {
	const valueAxis = { beginAtZero: true, stacked, ticks: { precision: 0, callback: yFormat } };
	const labelAxis = { stacked, reverse: rtl && ! horizontal, ticks: { autoSkip: true, maxRotation: 0 } };
	if ( horizontal ) {
		valueAxis.reverse = rtl;
		labelAxis.position = rtl ? 'right' : 'left';
	} else {
		valueAxis.position = rtl ? 'right' : 'left';
	}
	return {
		responsive: true,
		maintainAspectRatio: false,
		indexAxis: horizontal ? 'y' : 'x',
		locale,
		interaction: { mode: 'index', intersect: false },
		plugins: {
			legend: { rtl, textDirection: rtl ? 'rtl' : 'ltr', display: ! horizontal },
			tooltip: {
				rtl,
				textDirection: rtl ? 'rtl' : 'ltr',
				callbacks: {
					...( tooltipTitle ? { title: ( items ) => tooltipTitle( items[ 0 ].dataIndex ) } : {} ),
					label: ( item ) => `${ item.dataset.label || item.label }: ${ yFormat( item.raw ) }`,
				},
			},
		},
		scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
	};
};

const draw = ( id, config ) => {
	const canvas = document.getElementById( 'vafa-chart-' + id );
	if ( ! canvas ) {
		return null;
	}
	const chart = new Chart( canvas, config );
	canvas.dataset.total = String( sum( config.data.datasets.flatMap( ( d ) => d.data ) ) );
	canvas.dataset.labels = String( config.data.labels.length );
	canvas.dataset.firstLabel = String( config.data.labels[ 0 ] ?? '' );
	return chart;
};

if ( Array.isArray( data.points ) ) {
	const days = data.points.map( ( p ) => p.day );
	draw( 'points', {
		type: 'line',
		data: {
			labels: days.map( ( d ) => dayTick.format( at( d ) ) ),
			datasets: [
				{ label: __( 'Issued', 'vafa' ), data: data.points.map( ( p ) => p.issued ), borderColor: colors.blue, backgroundColor: colors.blue, pointRadius: 0, tension: 0.2 },
				{ label: __( 'Redeemed', 'vafa' ), data: data.points.map( ( p ) => p.redeemed ), borderColor: colors.green, backgroundColor: colors.green, pointRadius: 0, tension: 0.2 },
				{ label: __( 'Expired', 'vafa' ), data: data.points.map( ( p ) => p.expired ), borderColor: colors.grey, backgroundColor: colors.grey, pointRadius: 0, tension: 0.2 },
			],
		},
		options: options( { tooltipTitle: ( i ) => dayFull.format( at( days[ i ] ) ) } ),
	} );
}

if ( Array.isArray( data.months ) && data.months.length ) {
	const labels = data.months.map( ( m ) => monthTick.format( at( m.month + '-01' ) ) );
	const range = ( i ) => `${ dayFull.format( at( data.months[ i ].from ) ) } – ${ dayFull.format( at( data.months[ i ].to ) ) }`;
	draw( 'customers', {
		type: 'bar',
		data: {
			labels,
			datasets: [
				{ label: __( 'New customers', 'vafa' ), data: data.months.map( ( m ) => m.new ), backgroundColor: colors.blue },
				{ label: __( 'Returning customers', 'vafa' ), data: data.months.map( ( m ) => m.returning ), backgroundColor: colors.orange },
			],
		},
		options: options( { stacked: true, tooltipTitle: range } ),
	} );
	draw( 'repeat', {
		type: 'line',
		data: {
			labels,
			datasets: [
				{
					label: __( 'Repeat purchase rate', 'vafa' ),
					data: data.months.map( ( m ) => m.repeat ),
					borderColor: colors.purple,
					backgroundColor: 'rgba(140, 95, 199, 0.15)',
					fill: true,
					tension: 0.2,
				},
			],
		},
		options: options( { yFormat: ( v ) => percent.format( v / 100 ), tooltipTitle: range } ),
	} );
}

if ( Array.isArray( data.segments ) ) {
	draw( 'rfm', {
		type: 'bar',
		data: {
			labels: data.segments.map( ( s ) => s.label ),
			datasets: [
				{
					label: __( 'Customers', 'vafa' ),
					data: data.segments.map( ( s ) => s.count ),
					backgroundColor: [ colors.green, colors.blue, colors.purple, colors.orange, colors.grey, colors.red ],
				},
			],
		},
		options: options( { horizontal: true } ),
	} );
}
