<?php
/**
 * My Account > Feedback: rate completed orders.
 *
 * Override by copying to yourtheme/vafa/myaccount/survey.php.
 *
 * @package Vafa
 *
 * @var array<int,array<string,mixed>> $surveys  GET /v1/me/surveys: order_id, completed_at, answered (rating, comment, answer, answered_at).
 * @var string                         $question The store's own question, or ''.
 * @var int                            $points   Points an answer earns (0 when none).
 * @var bool                           $reward   Whether an answer earns a catalog reward.
 * @var int                            $selected The order the e-mail's link opened (0 when none).
 * @var string                         $locale   The shopper's locale.
 * @var string                         $action   Where the forms post.
 */

use Vafa\Bonuses\Survey;
use Vafa\Format;

defined( 'ABSPATH' ) || exit;
$vafa_open = array_values( array_filter( $surveys, static fn( $s ) => empty( $s['answered'] ) ) );
$vafa_done = array_values( array_filter( $surveys, static fn( $s ) => ! empty( $s['answered'] ) ) );
// The order from the e-mail's link comes first.
usort( $vafa_open, static fn( $a, $b ) => ( (int) $b['order_id'] === $selected ) <=> ( (int) $a['order_id'] === $selected ) );
?>
<section class="vafa vafa-survey" dir="<?php echo Format::is_rtl( $locale ) ? 'rtl' : 'ltr'; ?>">
	<?php if ( $points > 0 ) : ?>
		<?php /* translators: %s: points */ ?>
	<p class="vafa-survey-bonus"><?php echo esc_html( sprintf( __( 'Tell us how we did: each answer earns you %s points.', 'vafa' ), Format::points( $points, $locale ) ) ); ?></p>
	<?php elseif ( $reward ) : ?>
	<p class="vafa-survey-bonus"><?php esc_html_e( 'Tell us how we did: each answer earns you a reward.', 'vafa' ); ?></p>
	<?php endif; ?>
	<?php if ( ! $vafa_open ) : ?>
	<p class="vafa-survey-none"><?php esc_html_e( 'You have no orders to rate right now. After your next order is completed, you can rate it here.', 'vafa' ); ?></p>
	<?php endif; ?>
	<?php foreach ( $vafa_open as $vafa_s ) : ?>
		<?php $vafa_order = (int) $vafa_s['order_id']; ?>
	<form method="post" action="<?php echo esc_url( $action ); ?>" class="vafa-survey-form<?php echo $vafa_order === $selected ? ' vafa-selected' : ''; ?>" id="vafa-survey-<?php echo esc_attr( (string) $vafa_order ); ?>">
		<?php /* translators: %s: order number */ ?>
		<h3><?php echo esc_html( sprintf( __( 'Order #%s', 'vafa' ), Format::digits( (string) $vafa_order, $locale ) ) ); ?></h3>
		<fieldset class="vafa-stars">
			<legend><?php esc_html_e( 'Your rating', 'vafa' ); ?></legend>
			<?php for ( $vafa_i = 5; $vafa_i >= 1; $vafa_i-- ) : ?>
				<?php $vafa_id = 'vafa-rating-' . $vafa_order . '-' . $vafa_i; ?>
			<input type="radio" name="vafa_rating" value="<?php echo esc_attr( (string) $vafa_i ); ?>" id="<?php echo esc_attr( $vafa_id ); ?>" required>
				<?php /* translators: %s: number of stars, 1 to 5 */ ?>
			<label for="<?php echo esc_attr( $vafa_id ); ?>" title="<?php echo esc_attr( sprintf( _n( '%s star', '%s stars', $vafa_i, 'vafa' ), Format::integer( $vafa_i, $locale ) ) ); ?>"><span aria-hidden="true">★</span><span class="screen-reader-text"><?php echo esc_html( sprintf( _n( '%s star', '%s stars', $vafa_i, 'vafa' ), Format::integer( $vafa_i, $locale ) ) ); ?></span></label>
			<?php endfor; ?>
		</fieldset>
		<p><label for="vafa-comment-<?php echo esc_attr( (string) $vafa_order ); ?>"><?php esc_html_e( 'Your comment (optional)', 'vafa' ); ?></label>
		<textarea name="vafa_comment" id="vafa-comment-<?php echo esc_attr( (string) $vafa_order ); ?>" rows="3" maxlength="<?php echo esc_attr( (string) Survey::MAX_TEXT ); ?>"></textarea></p>
		<?php if ( '' !== $question ) : ?>
		<p><label for="vafa-answer-<?php echo esc_attr( (string) $vafa_order ); ?>"><?php echo esc_html( $question ); ?></label>
		<textarea name="vafa_answer" id="vafa-answer-<?php echo esc_attr( (string) $vafa_order ); ?>" rows="2" maxlength="<?php echo esc_attr( (string) Survey::MAX_TEXT ); ?>"></textarea></p>
		<?php endif; ?>
		<input type="hidden" name="vafa_survey_order" value="<?php echo esc_attr( (string) $vafa_order ); ?>">
		<?php wp_nonce_field( Survey::nonce_action( $vafa_order ), 'vafa_survey_nonce', false ); ?>
		<p><button type="submit" class="button"><?php esc_html_e( 'Send my answer', 'vafa' ); ?></button></p>
	</form>
	<?php endforeach; ?>
	<?php if ( $vafa_done ) : ?>
	<h3><?php esc_html_e( 'Your answers', 'vafa' ); ?></h3>
	<table class="vafa-survey-answers shop_table"><tbody>
		<?php foreach ( $vafa_done as $vafa_s ) : ?>
			<?php $vafa_rating = max( 0, min( 5, (int) ( $vafa_s['rating'] ?? 0 ) ) ); ?>
		<?php /* translators: %s: order number */ ?>
		<tr data-order="<?php echo esc_attr( (string) (int) $vafa_s['order_id'] ); ?>" data-rating="<?php echo esc_attr( (string) $vafa_rating ); ?>"><td><?php echo esc_html( sprintf( __( 'Order #%s', 'vafa' ), Format::digits( (string) (int) $vafa_s['order_id'], $locale ) ) ); ?></td>
			<td><span aria-hidden="true"><?php echo esc_html( str_repeat( '★', $vafa_rating ) . str_repeat( '☆', 5 - $vafa_rating ) ); ?></span><span class="screen-reader-text"><?php echo esc_html( sprintf( _n( '%s star', '%s stars', $vafa_rating, 'vafa' ), Format::integer( $vafa_rating, $locale ) ) ); ?></span></td>
			<td><?php echo esc_html( (string) ( $vafa_s['comment'] ?? '' ) ); ?></td></tr>
		<?php endforeach; ?>
	</tbody></table>
	<?php endif; ?>
</section>
